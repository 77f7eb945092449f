// Captured output of the tools GPU detection reads, from machines with GPUs
// (this test machine has none): nvidia-smi, the NVIDIA driver's /proc file,
// lspci -mm, and the line query_devices.py prints from Blender.

/** `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader` on a two-card workstation. */
export const NVIDIA_SMI_2X3090 = 'NVIDIA GeForce RTX 3090, 24576 MiB\nNVIDIA GeForce RTX 3090, 24576 MiB\n'

/** The same on a cloud H100 and, with `nounits`, on an older driver; a board that reports no memory. */
export const NVIDIA_SMI_H100 = 'NVIDIA H100 80GB HBM3, 81559 MiB\n'
export const NVIDIA_SMI_NOUNITS = 'Tesla T4, 15360\n'
export const NVIDIA_SMI_NA = 'NVIDIA GH200 480GB, [N/A]\n'

/** /proc/driver/nvidia/gpus/0000:01:00.0/information */
export const PROC_NVIDIA_INFORMATION = `Model: \t\t NVIDIA GeForce RTX 3090
IRQ:   \t\t 186
GPU UUID: \t GPU-5c2a3e9e-1d8f-4b1c-9a0e-1f2d3c4b5a69
Video BIOS: \t 94.02.42.00.a9
Bus Type: \t PCIe
DMA Size: \t 47 bits
DMA Mask: \t 0x7fffffffffff
Bus Location: \t 0000:01:00.0
Device Minor: \t 0
GPU Excluded:\t No
`

/** `lspci -mm` on a machine with an Intel iGPU, an NVIDIA card (and its audio function), an AMD card and a BMC's VGA. */
export const LSPCI_MM = `00:00.0 "Host bridge" "Intel Corporation" "8th Gen Core Processor Host Bridge/DRAM Registers" -r07 "Dell" "Device 0869"
00:02.0 "VGA compatible controller" "Intel Corporation" "CometLake-S GT2 [UHD Graphics 630]" -r05 "Dell" "Device 09a4"
01:00.0 "VGA compatible controller" "NVIDIA Corporation" "GA102 [GeForce RTX 3090]" -ra1 "Gigabyte Technology Co., Ltd" "Device 4043"
01:00.1 "Audio device" "NVIDIA Corporation" "GA102 High Definition Audio Controller" -ra1 "Gigabyte Technology Co., Ltd" "Device 4043"
03:00.0 "VGA compatible controller" "ASPEED Technology, Inc." "ASPEED Graphics Family" -r41 "ASPEED Technology, Inc." "ASPEED Graphics Family"
0b:00.0 "VGA compatible controller" "Advanced Micro Devices, Inc. [AMD/ATI]" "Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]" -rc1 "Sapphire Technology Limited" "Device e438"
41:00.0 "3D controller" "NVIDIA Corporation" "GH100 [H100 SXM5 80GB]" -ra1 "NVIDIA Corporation" "Device 16c1"
`

/** query_devices.py in Blender 3.4 on the two-card workstation: each card under CUDA and again under OPTIX. */
export const BLENDER_REPORT_2X3090 =
  'Blender 3.4.1 (hash 55485cb379f7 built 2022-12-20 00:46:45)\n' +
  'PICTOR-DEVICES {"engines": ["CYCLES", "BLENDER_EEVEE"], "devices": ["CPU", "CUDA", "OPTIX"], "gpus": [' +
  '{"backend": "CUDA", "name": "NVIDIA GeForce RTX 3090"}, {"backend": "CUDA", "name": "NVIDIA GeForce RTX 3090"}, ' +
  '{"backend": "OPTIX", "name": "NVIDIA GeForce RTX 3090"}, {"backend": "OPTIX", "name": "NVIDIA GeForce RTX 3090"}]}\n' +
  '\nBlender quit\n'

/** The same script on a Mac (Metal) and on this CPU-only test machine. */
export const BLENDER_REPORT_METAL = 'PICTOR-DEVICES {"engines": ["CYCLES", "BLENDER_EEVEE"], "devices": ["CPU", "METAL"], "gpus": [{"backend": "METAL", "name": "Apple M2 Max"}]}\n'
export const BLENDER_REPORT_CPU = 'Blender 3.4.1\nPICTOR-DEVICES {"engines": ["CYCLES", "BLENDER_EEVEE"], "devices": ["CPU"], "gpus": []}\n\nBlender quit\n'
