import { describe, expect, it } from 'vitest'
import { gpuNamesOf, parseDeviceReport } from '../../../../../node/renderers/blender/detect.ts'
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
