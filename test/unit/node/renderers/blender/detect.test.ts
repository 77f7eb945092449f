import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { blenderVersion, gpuNamesOf, parseDeviceReport } from '../../../../../node/renderers/blender/detect.ts'
import { BLENDER_REPORT_2X3090, BLENDER_REPORT_CPU, BLENDER_REPORT_METAL } from '../../roles/worker/gpu-fixtures.ts'

describe("Blender's device report", () => {
  it("lists 'GPU' with the backends when Blender has a usable GPU", () => {
    const report = parseDeviceReport(BLENDER_REPORT_2X3090)!
    expect(report.devices).toEqual(['CPU', 'GPU', 'CUDA', 'OPTIX'])
    expect(report.engines).toEqual(['CYCLES', 'BLENDER_EEVEE'])
    // Each card shows under CUDA and under OPTIX: counted once.
    expect(gpuNamesOf(report.gpus)).toEqual(['NVIDIA GeForce RTX 3090', 'NVIDIA GeForce RTX 3090'])
    expect(parseDeviceReport(BLENDER_REPORT_METAL)?.devices).toEqual(['CPU', 'GPU', 'METAL'])
  })

  it("offers the CPU only, without 'GPU', when no backend has a device", () => {
    expect(parseDeviceReport(BLENDER_REPORT_CPU)).toEqual({ engines: ['CYCLES', 'BLENDER_EEVEE'], devices: ['CPU'], gpus: [] })
  })

  it('drops names it does not know and survives a broken line', () => {
    const odd = 'PICTOR-DEVICES {"engines": ["CYCLES", 7, "X"], "devices": ["CPU", "VULKAN"], "gpus": [{"backend": "VULKAN", "name": "x"}, null]}'
    expect(parseDeviceReport(odd)).toEqual({ engines: ['CYCLES'], devices: ['CPU'], gpus: [] })
    expect(parseDeviceReport('PICTOR-DEVICES {"engines": [}')).toBeUndefined()
    expect(parseDeviceReport('Blender quit')).toBeUndefined()
  })
})

describe("Blender's version probe", () => {
  /** A stand-in `blender` that fails its first `failures` starts, then prints a version. */
  async function flakyBlender(dir: string, failures: number): Promise<string> {
    const path = join(dir, 'blender')
    const count = join(dir, 'starts')
    await writeFile(path, `#!/bin/sh\necho x >> '${count}'\nif [ "$(wc -l < '${count}')" -le ${failures} ]; then exit 1; fi\necho 'Blender 4.2.3'\n`)
    await chmod(path, 0o755)
    return path
  }

  it('tries a second start before calling Blender missing, and no third', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-flaky-blender-'))
    try {
      expect(await blenderVersion(await flakyBlender(dir, 1))).toBe('4.2.3')
      const twice = await mkdtemp(join(dir, 'b-'))
      expect(await blenderVersion(await flakyBlender(twice, 2))).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
