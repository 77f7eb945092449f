import { describe, expect, it } from 'vitest'
import { detectGpus, type GpuProbe, parseLspci, parseNvidiaSmi, parseProcNvidiaInformation } from '../../../../../node/roles/worker/gpus.ts'
import { detectHardware, gpuFields, withGpus } from '../../../../../node/roles/worker/hardware.ts'
import { LSPCI_MM, NVIDIA_SMI_2X3090, NVIDIA_SMI_H100, NVIDIA_SMI_NA, NVIDIA_SMI_NOUNITS, PROC_NVIDIA_INFORMATION } from './gpu-fixtures.ts'

const RTX3090 = { vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 3090', vramMib: 24_576 }

describe('GPU parsers', () => {
  it('reads nvidia-smi with and without units, and a board that hides its memory', () => {
    expect(parseNvidiaSmi(NVIDIA_SMI_2X3090)).toEqual([RTX3090, RTX3090])
    expect(parseNvidiaSmi(NVIDIA_SMI_H100)).toEqual([{ vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vramMib: 81_559 }])
    expect(parseNvidiaSmi(NVIDIA_SMI_NOUNITS)).toEqual([{ vendor: 'NVIDIA', model: 'Tesla T4', vramMib: 15_360 }])
    expect(parseNvidiaSmi(NVIDIA_SMI_NA)).toEqual([{ vendor: 'NVIDIA', model: 'NVIDIA GH200 480GB', vramMib: 0 }])
    expect(parseNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n')).toEqual([])
  })

  it('reads the NVIDIA driver information file', () => {
    expect(parseProcNvidiaInformation(PROC_NVIDIA_INFORMATION)).toEqual({ vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 3090', vramMib: 0 })
    expect(parseProcNvidiaInformation('IRQ: 186\n')).toBeUndefined()
  })

  it('keeps display controllers of render GPU makers from lspci, nothing else', () => {
    expect(parseLspci(LSPCI_MM).map((g) => `${g.vendor}: ${g.model}`)).toEqual([
      'Intel: Intel UHD Graphics 630',
      'NVIDIA: NVIDIA GeForce RTX 3090',
      'AMD: AMD Radeon RX 6800/6800 XT / 6900 XT',
      'NVIDIA: NVIDIA H100 SXM5 80GB'
    ])
  })
})

function probe(files: { smi?: string; proc?: Record<string, string>; lspci?: string }): GpuProbe {
  return {
    run: async (command) => (command === 'nvidia-smi' ? files.smi : command === 'lspci' ? files.lspci : undefined),
    list: async () => Object.keys(files.proc ?? {}),
    read: async (path) => Object.entries(files.proc ?? {}).find(([bus]) => path.includes(bus))?.[1]
  }
}

describe('detectGpus', () => {
  it('prefers nvidia-smi, then the driver files, then lspci', async () => {
    const proc = { '0000:01:00.0': PROC_NVIDIA_INFORMATION }
    expect(await detectGpus(probe({ smi: NVIDIA_SMI_2X3090, proc, lspci: LSPCI_MM }))).toEqual({ gpus: [RTX3090, RTX3090], source: 'nvidia-smi' })
    expect((await detectGpus(probe({ proc, lspci: LSPCI_MM }))).source).toBe('/proc/driver/nvidia')
    expect((await detectGpus(probe({ lspci: LSPCI_MM }))).gpus).toHaveLength(4)
    expect(await detectGpus(probe({}))).toEqual({ gpus: [], source: 'none' })
  })
})

describe('GPU fields of offers', () => {
  it('describes the cards: vendor, model, count and the smallest memory', () => {
    expect(gpuFields(parseNvidiaSmi(NVIDIA_SMI_2X3090 + NVIDIA_SMI_H100))).toEqual({
      gpuVendor: 'NVIDIA',
      gpuModel: 'NVIDIA GeForce RTX 3090 + NVIDIA H100 80GB HBM3',
      gpuCount: 3,
      gpuVramMib: 24_576
    })
    expect(gpuFields(parseLspci(LSPCI_MM)).gpuVramMib).toBe(0)
  })

  it('takes the OS list first, the renderer device names when the OS names none, and leaves a GPU-less machine alone', () => {
    const cpuOnly = detectHardware()
    expect(withGpus(cpuOnly, parseNvidiaSmi(NVIDIA_SMI_H100), ['ignored'])).toMatchObject({ gpuCount: 1, gpuVendor: 'NVIDIA', gpuVramMib: 81_559 })
    expect(withGpus(cpuOnly, [], ['Apple M2 Max'])).toMatchObject({ gpuCount: 1, gpuVendor: 'Apple', gpuModel: 'Apple M2 Max', gpuVramMib: 0 })
    expect(withGpus(cpuOnly, [], [])).toBe(cpuOnly)
  })
})
