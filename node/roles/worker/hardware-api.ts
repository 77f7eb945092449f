// GET /api/worker/hardware: this machine as the worker's offers describe it
// (CPU, cores, RAM, GPUs), plus each GPU the OS lists and where that list
// came from, for the dashboard's "This node" page. Detected once, on the
// first request, the way the worker detects it at start (withGpus: the OS's
// GPUs, else the renderer's devices); hardware a test injected is shown as
// it was given.
import type { Hardware } from '../../../protocol/index.ts'
import type { ApiServer } from '../../api/server.ts'
import { type DetectedGpus, detectGpus, type GpuInfo, type GpuSource } from './gpus.ts'
import { detectHardware, withGpus } from './hardware.ts'

export interface WorkerHardwareView {
  hardware: Hardware
  /** The GPUs the OS reports (empty when none, or when the hardware was given). */
  gpus: GpuInfo[]
  gpuSource: GpuSource | 'given'
}

export interface HardwareApiDeps {
  api: Pick<ApiServer, 'route'>
  /** Hardware injected instead of detected (tests); shown as it is. */
  given?: Hardware
  /** The GPU devices the renderer names, once it has started (undefined before). */
  rendererGpus(): string[] | undefined
  detect?: () => Promise<DetectedGpus>
}

export function registerHardwareApi(deps: HardwareApiDeps): void {
  let detected: Promise<DetectedGpus> | undefined
  deps.api.route('GET', '/api/worker/hardware', async (): Promise<WorkerHardwareView> => {
    if (deps.given !== undefined) return { hardware: deps.given, gpus: [], gpuSource: 'given' }
    // A failed probe means no GPUs listed, as it does for the worker's offers.
    detected ??= (deps.detect ?? detectGpus)().catch((): DetectedGpus => ({ gpus: [], source: 'none' }))
    const { gpus, source } = await detected
    return { hardware: withGpus(detectHardware(), gpus, deps.rendererGpus() ?? []), gpus, gpuSource: source }
  })
}
