// GET /api/worker/hardware: the machine as the worker's offers describe it,
// the OS's GPUs detected once, the renderer's devices when the OS lists
// none, and injected hardware shown as given.
import { describe, expect, it } from 'vitest'
import type { RouteHandler } from '../../../../../node/api/server.ts'
import { detectGpus, type GpuProbe } from '../../../../../node/roles/worker/gpus.ts'
import { registerHardwareApi, type WorkerHardwareView } from '../../../../../node/roles/worker/hardware-api.ts'
import { NVIDIA_SMI_2X3090 } from './gpu-fixtures.ts'

function hardwareRoute(deps: Omit<Parameters<typeof registerHardwareApi>[0], 'api'>): () => Promise<WorkerHardwareView> {
  const table = new Map<string, RouteHandler>()
  registerHardwareApi({ api: { route: (method, path, handler) => void table.set(`${method} ${path}`, handler) }, ...deps })
  const handler = table.get('GET /api/worker/hardware')!
  return async () => (await handler({} as never, {} as never)) as WorkerHardwareView
}

/** nvidia-smi answering with two RTX 3090s; counts how often it ran. */
function smiProbe(output: string | undefined): GpuProbe & { runs: number } {
  const probe = {
    runs: 0,
    async run(command: string) {
      if (command === 'nvidia-smi') probe.runs++
      return command === 'nvidia-smi' ? output : undefined
    },
    async list() {
      return []
    },
    async read() {
      return undefined
    }
  }
  return probe
}

describe('GET /api/worker/hardware', () => {
  it('reports CPU, RAM and the OS GPUs, probing the OS once', async () => {
    const probe = smiProbe(NVIDIA_SMI_2X3090)
    const get = hardwareRoute({ rendererGpus: () => undefined, detect: () => detectGpus(probe) })
    const first = await get()
    expect(first.hardware).toMatchObject({ gpuVendor: 'NVIDIA', gpuModel: 'NVIDIA GeForce RTX 3090', gpuCount: 2, gpuVramMib: 24_576 })
    expect(first.hardware.cpuCount).toBeGreaterThan(0)
    expect(first.hardware.ramMib).toBeGreaterThan(0)
    expect(first.gpuSource).toBe('nvidia-smi')
    expect(first.gpus).toHaveLength(2)
    await get()
    expect(probe.runs).toBe(1)
  })

  it("names the renderer's GPUs when the OS lists none", async () => {
    let rendererGpus: string[] | undefined
    const get = hardwareRoute({ rendererGpus: () => rendererGpus, detect: () => detectGpus(smiProbe(undefined)) })
    expect((await get()).hardware.gpuCount).toBe(0)
    rendererGpus = ['Apple M2 Max']
    expect((await get()).hardware).toMatchObject({ gpuCount: 1, gpuVendor: 'Apple', gpuModel: 'Apple M2 Max' })
  })

  it('shows injected hardware as it was given', async () => {
    const given = { cpuModel: 'Test CPU', cpuCount: 4, ramMib: 8192, gpuModel: 'Fake GPU', gpuCount: 1, gpuVendor: 'NVIDIA', gpuVramMib: 1024 }
    const get = hardwareRoute({ given, rendererGpus: () => ['ignored'], detect: () => Promise.reject(new Error('not called')) })
    expect(await get()).toEqual({ hardware: given, gpus: [], gpuSource: 'given' })
  })
})
