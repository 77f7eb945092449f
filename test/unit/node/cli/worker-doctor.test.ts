import { describe, expect, it } from 'vitest'
import { gpuReport } from '../../../../node/cli/commands/worker-doctor.ts'
import { parseDeviceReport } from '../../../../node/renderers/blender/detect.ts'
import { parseLspci, parseNvidiaSmi } from '../../../../node/roles/worker/gpus.ts'
import { BLENDER_REPORT_2X3090, BLENDER_REPORT_CPU, LSPCI_MM, NVIDIA_SMI_2X3090 } from '../roles/worker/gpu-fixtures.ts'

describe('worker doctor GPU lines', () => {
  it('counts the cards and says that GPU jobs get bids', () => {
    expect(gpuReport({ gpus: parseNvidiaSmi(NVIDIA_SMI_2X3090), source: 'nvidia-smi' }, parseDeviceReport(BLENDER_REPORT_2X3090))).toEqual([
      'GPUs     2 x NVIDIA GeForce RTX 3090 (24576 MiB), from nvidia-smi',
      'Blender  renders on the GPU with CUDA, OPTIX: bids on --device GPU jobs'
    ])
  })

  it('says when a card is there but Blender cannot use it, and when there is none', () => {
    expect(gpuReport({ gpus: parseLspci(LSPCI_MM).slice(0, 1), source: 'lspci' }, parseDeviceReport(BLENDER_REPORT_CPU))).toEqual([
      'GPUs     1 x Intel UHD Graphics 630, from lspci',
      'Blender  has no usable GPU backend (CUDA, OPTIX, HIP, METAL, ONEAPI): no bids on --device GPU jobs'
    ])
    expect(gpuReport({ gpus: [], source: 'none' }, undefined)).toEqual(['GPUs     none reported (nvidia-smi, /proc/driver/nvidia, lspci)'])
  })
})
