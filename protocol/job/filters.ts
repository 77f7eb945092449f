// A job's worker filters (SPEC R50b): region, GPU vendor / model / count
// and RAM. The worker checks them against its own hardware before it bids;
// the creator checks them again against what the bid declares before it
// admits. Both sides run this one function. What a worker declares is its
// own word: a filter keeps honest mismatches apart, the checkers catch
// a worker that lied and rendered badly.
import type { Hardware } from '../pb/messages.js'
import type { JobSpec } from './spec.ts'

export type JobFilters = Pick<JobSpec, 'regions' | 'gpuVendor' | 'gpuModel' | 'minGpuCount' | 'minRamMib'>

export interface FilterDecision {
  fits: boolean
  reason: string
}

const NO_HARDWARE: Hardware = { cpuModel: '', cpuCount: 0, gpuModel: '', gpuCount: 0, ramMib: 0, gpuVendor: '', gpuVramMib: 0 }

export function fitsFilters(job: JobFilters, hardware: Hardware | undefined, region: string): FilterDecision {
  const hw = hardware ?? NO_HARDWARE
  if (job.regions.length > 0 && !job.regions.some((r) => r.toLowerCase() === region.toLowerCase())) {
    return { fits: false, reason: `job wants a worker in ${job.regions.join(' or ')}, not ${region || 'an unknown region'}` }
  }
  if (hw.gpuCount < job.minGpuCount) return { fits: false, reason: `job needs ${job.minGpuCount} GPU(s), the worker has ${hw.gpuCount}` }
  if (job.gpuVendor !== '' && hw.gpuVendor.toLowerCase() !== job.gpuVendor.toLowerCase()) {
    return { fits: false, reason: `job needs a ${job.gpuVendor} GPU, the worker has ${hw.gpuVendor || 'none'}` }
  }
  if (job.gpuModel !== '' && !hw.gpuModel.toLowerCase().includes(job.gpuModel.toLowerCase())) {
    return { fits: false, reason: `job needs a GPU model matching "${job.gpuModel}", the worker has ${hw.gpuModel || 'none'}` }
  }
  if (hw.ramMib < job.minRamMib) return { fits: false, reason: `job needs ${job.minRamMib} MiB of RAM, the worker has ${hw.ramMib}` }
  return { fits: true, reason: 'fits' }
}
