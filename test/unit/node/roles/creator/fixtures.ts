// Job records for the creator's pure modules: one builder, the states the
// tests need reached through the scheduler itself (never written by hand).
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { acceptResult, claimTask, commitResult, isRefusal } from '../../../../../node/roles/creator/scheduler.ts'
import { compileJob, type JobSpec, newTaskState, validateJobSpec, type WorkerOffer } from '../../../../../protocol/index.ts'

export const W1 = 'aa'.repeat(32)
export const W2 = 'bb'.repeat(32)
export const CHECKER = 'cc'.repeat(32)

export function newJob(frames = 6, perTask = 2): JobRecord {
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '00'.repeat(32), sceneSize: 10, frameStart: 1, frameEnd: frames, framesPerTask: perTask, width: 64, height: 36, samples: 8, maxPrice: 100 })
  return {
    id: '11'.repeat(32),
    spec,
    nonce: '22'.repeat(16),
    createdMs: 0,
    status: 'active',
    tasks: compileJob(spec).map(newTaskState),
    admitted: { [W1]: { peerId: 'p1', price: 50, admittedMs: 0 }, [W2]: { peerId: 'p2', price: 80, admittedMs: 0 } },
    frames: {},
    paid: {},
    pending: {}
  }
}

/** The job after `worker` leased, committed and had accepted the lowest free task (checked by CHECKER); `pixelHashes` by frame override 'abab…'. */
export function withVerifiedTask(job: JobRecord, worker: string, root = 'ff'.repeat(32), pixelHashes: Record<number, string> = {}): JobRecord {
  const leased = claimTask(job, worker, `lease-${worker.slice(0, 4)}`, 1_000, 0)
  if (isRefusal(leased)) throw new Error(leased.reason)
  const committed = commitResult(leased.job, worker, leased.task.index, leased.task.leaseId!, root, 10)
  if (isRefusal(committed)) throw new Error(committed.reason)
  const t = leased.task
  const entries = []
  for (let f = t.frameStart; f <= t.frameEnd; f++) entries.push({ frame: f, blobId: f.toString(16).padStart(64, '0'), pixelHash: pixelHashes[f] ?? 'ab'.repeat(32) })
  const pending = { ...committed.job.pending, [t.index]: { worker, workerPeer: 'p', merkleRoot: root, frames: entries, envelope: '' } }
  const frames = Object.fromEntries(entries.map((e) => [e.frame, { blobId: e.blobId, pixelHash: e.pixelHash, worker, checkedBy: [CHECKER] }]))
  return acceptResult({ ...committed.job, pending }, t.index, root, frames, 20)
}

export const blenderJob = (over: Partial<JobSpec> = {}) =>
  validateJobSpec({ renderer: 'blender', sceneBlob: '00'.repeat(32), sceneSize: 10, frameStart: 1, frameEnd: 4, width: 64, height: 36, maxPrice: 1000, ...over })

export function offer(over: Partial<WorkerOffer> = {}, renderer: Partial<WorkerOffer['renderers'][number]> = {}): WorkerOffer {
  return {
    renderers: [{ name: 'blender', version: '3.4.1', engines: ['CYCLES', 'BLENDER_EEVEE'], devices: ['CPU'], ...renderer }],
    hardware: { cpuModel: 'x', cpuCount: 8, gpuModel: '', gpuCount: 0, ramMib: 16_384, gpuVendor: '', gpuVramMib: 0 },
    benchScore: 500,
    price: 800,
    slots: 2,
    freeSlots: 2,
    region: 'eu-west',
    timestampMs: 0,
    seq: 1,
    ...over
  }
}
