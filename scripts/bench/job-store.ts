// What the creator's job storage costs per task, in bytes written and time
// per save, for a 250-task and a 2,500-task job (4 frames each): the
// JobStore (a header, one entry per task, results apart; job-store.ts)
// against the baseline of the layout before it, the whole JobRecord written
// as one JSON document at every save. Both in the same run, on a real
// LevelDB in a temp dir.
//
// Each task goes through what the creator saves for it: the claim, the
// commitment with its pending result (a 480-byte signed envelope, the size
// of a 4-frame ResultCommitment), and the accepted result with its frames
// and payment. The baseline saved four times per task (the pending result
// apart from the commitment); it is given the same three here, which
// flatters it. A whole-record write grows with the job, so both stores are
// measured in the middle of the job: half of its tasks verified before the
// measured ones, the job's average. Bytes are what reaches LevelDB
// (encoded keys and values), counted at the database.
//
// `node scripts/bench/job-store.ts [measuredTasks]` (default 100).
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { compileJob, newTaskState, validateJobSpec } from '../../protocol/index.ts'
import type { NodeDb } from '../../node/node.ts'
import type { PendingResult } from '../../node/roles/creator/committed-result.ts'
import type { FrameRecord, JobRecord } from '../../node/roles/creator/job-record.ts'
import { type JobChange, JobStore } from '../../node/roles/creator/job-store.ts'
import { claimTask, commitResult, isRefusal, settleResult } from '../../node/roles/creator/scheduler.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'

const BENCH = 'job-store'
const FRAMES_PER_TASK = 4
const TASK_COUNTS = [250, 2500]
const MEASURED = Number(process.argv[2] ?? 100)
const WORKER = 'aa'.repeat(32)
const ENVELOPE_BYTES = 480

interface Store {
  save(job: JobRecord, changed?: JobChange): Promise<void>
  close(): Promise<void>
}

/** The layout before job-store.ts's: one put of the whole record per save, one at a time. */
class WholeRecordStore implements Store {
  private readonly db
  private queue: Promise<void> = Promise.resolve()
  constructor(db: NodeDb) {
    this.db = db.sublevel<string, JobRecord>('jobs', { valueEncoding: 'json' })
  }
  save(job: JobRecord): Promise<void> {
    const next = this.queue.then(() => this.db.put(job.id, job))
    this.queue = next.catch(() => {})
    return next
  }
  async close(): Promise<void> {
    await this.queue
  }
}

/** Counts the bytes of every key and value that reaches the database. */
function countWrites(db: NodeDb): { bytes: number; writes: number } {
  const counter = { bytes: 0, writes: 0 }
  const size = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : ((v as Uint8Array | undefined)?.byteLength ?? 0))
  const raw = db as unknown as Record<string, (...args: unknown[]) => Promise<void>>
  const put = raw._put!.bind(db)
  const batch = raw._batch!.bind(db)
  raw._put = (key, value, options) => {
    counter.writes++
    counter.bytes += size(key) + size(value)
    return put(key, value, options)
  }
  raw._batch = (ops, options) => {
    counter.writes++
    for (const op of ops as { key: unknown; value?: unknown }[]) counter.bytes += size(op.key) + size(op.value)
    return batch(ops, options)
  }
  return counter
}

function newJob(tasks: number): JobRecord {
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '00'.repeat(32), sceneSize: 10, frameStart: 1, frameEnd: tasks * FRAMES_PER_TASK, framesPerTask: FRAMES_PER_TASK, width: 16, height: 16, samples: 1, maxPrice: 1000 })
  return {
    id: randomBytes(32).toString('hex'),
    spec,
    nonce: randomBytes(16).toString('hex'),
    createdMs: 0,
    status: 'active',
    tasks: compileJob(spec).map(newTaskState),
    admitted: { [WORKER]: { peerId: '12D3KooWExamplePeerIdOfTheWorkerxxxxxxxxxxxxxxxxxxxx', price: 800, admittedMs: 0 } },
    frames: {},
    paid: {},
    pending: {},
    banned: []
  }
}

/** One task's life as the creator saves it; `save` gets each state with the task it changed. */
async function runTask(job: JobRecord, now: number, save: (job: JobRecord, changed: JobChange) => Promise<void>): Promise<JobRecord> {
  const claimed = claimTask(job, WORKER, randomBytes(16).toString('hex'), now + 15_000, now)
  if (isRefusal(claimed)) throw new Error(claimed.reason)
  const index = claimed.task.index
  await save(claimed.job, { tasks: [index] })
  const root = randomBytes(32).toString('hex')
  const committed = commitResult(claimed.job, WORKER, index, claimed.task.leaseId!, root, now + 1)
  if (isRefusal(committed)) throw new Error(committed.reason)
  const frames: FrameRecord[] = []
  const pendingFrames: PendingResult['frames'] = []
  for (let f = claimed.task.frameStart; f <= claimed.task.frameEnd; f++) {
    const blobId = randomBytes(32).toString('hex')
    const pixelHash = randomBytes(32).toString('hex')
    pendingFrames.push({ frame: f, blobId, pixelHash, size: 1200 })
    frames.push({ blobId, pixelHash, worker: WORKER, size: 1200, unchecked: true })
  }
  const pending: PendingResult = { worker: WORKER, workerPeer: job.admitted[WORKER]!.peerId, merkleRoot: root, frames: pendingFrames, envelope: randomBytes(ENVELOPE_BYTES).toString('hex') }
  const withPending = { ...committed.job, pending: { ...committed.job.pending, [index]: pending } }
  await save(withPending, { tasks: [index] })
  const accepted = Object.fromEntries(frames.map((f, i) => [claimed.task.frameStart + i, f]))
  const settled = settleResult(withPending, { taskIndex: index, merkleRoot: root, worker: WORKER }, { accepted: true, frames: accepted }, now + 2)
  await save(settled.job, { tasks: [index] })
  return settled.job
}

async function measure(kind: 'parts' | 'whole', tasks: number) {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-jobs-'))
  const db: NodeDb = new Level(dir, { valueEncoding: 'json' })
  await db.open()
  try {
    const store: Store = kind === 'parts' ? new JobStore(db) : new WholeRecordStore(db)
    const counter = countWrites(db)
    let job = newJob(tasks)
    await store.save(job)
    // Half the job done before the measured tasks (not timed, not counted).
    const free = async (j: JobRecord, changed: JobChange) => void (await store.save(j, changed))
    for (let i = 0; i < tasks / 2; i++) job = await runTask(job, i, kind === 'whole' ? async () => {} : free)
    await store.save(job)
    const before = { ...counter }
    const saveMs: number[] = []
    const timed = async (j: JobRecord, changed: JobChange) => {
      const t0 = performance.now()
      await store.save(j, changed)
      saveMs.push(performance.now() - t0)
    }
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < MEASURED; i++) job = await runTask(job, tasks / 2 + i, timed)
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    await store.close()
    saveMs.sort((a, b) => a - b)
    const result = {
      recordBytes: Buffer.byteLength(JSON.stringify(job)),
      bytesPerTask: Math.round((counter.bytes - before.bytes) / MEASURED),
      writesPerTask: round((counter.writes - before.writes) / MEASURED, 2),
      saveMsMedian: round(saveMs[saveMs.length >> 1]!, 3),
      saveMsP90: round(saveMs[Math.floor(saveMs.length * 0.9)]!, 3),
      msPerTask: round(wallMs / MEASURED, 3),
      cpuMsPerTask: round((cpu.user + cpu.system) / 1000 / MEASURED, 3)
    }
    progress(BENCH, `${kind} ${tasks} tasks: ${JSON.stringify(result)}`)
    return result
  } finally {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await runBench(BENCH, async () => {
  const runs: Record<string, unknown> = {}
  const ratios: Record<string, number> = {}
  for (const tasks of TASK_COUNTS) {
    const whole = await measure('whole', tasks)
    const parts = await measure('parts', tasks)
    runs[`t${tasks}`] = { parts, wholeRecord: whole }
    ratios[`bytesPerTaskT${tasks}`] = round(whole.bytesPerTask / parts.bytesPerTask, 1)
    ratios[`msPerTaskT${tasks}`] = round(whole.msPerTask / parts.msPerTask, 1)
  }
  return {
    bench: BENCH,
    params: { framesPerTask: FRAMES_PER_TASK, measuredTasks: MEASURED, savesPerTask: 3, envelopeBytes: ENVELOPE_BYTES },
    runs,
    wholeOverParts: ratios,
    baseline: { wholeRecord: 'the whole JobRecord as one JSON put per save (the layout before job-store.ts), same run, same tasks' }
  }
})
