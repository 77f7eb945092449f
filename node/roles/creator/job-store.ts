// The creator's jobs: held in memory, persisted in the node's LevelDB in
// parts (job-layout.ts: a small header per job, one entry per task, the
// signed results apart), so a change to one task writes that task, not the
// job. The rest of the creator keeps working on whole JobRecord objects.
//
// Writing. save() makes the new state effective in memory at once and
// resolves once it is durable: in LevelDB's log, which survives the
// process being killed (as before this layout: no fsync per write). Saves
// requested in the same tick, or while a write is in flight, go out
// together as one batch, and a batch is atomic: a job on disk is always one
// that was saved, never half of one. One batch is written at a time, so
// writes land in the order they were made. A save names the tasks and the
// workers it changed; one that names no tasks has every task and every
// worker written (rare paths: submission, cancellation, a banned worker).
// Tasks are never changed in place (the scheduler returns new objects),
// which is how a task's results are known to be unchanged: by reference,
// without serialising them. The per-worker maps are changed in place
// (job-record.ts), so a change to them is known only by its name.
//
// What must be durable before a reply (task-server.ts): a commitment's
// reply waits for its save, which holds the committed task and its pending
// result, the acknowledged work. A claim or a renewal is answered without
// waiting: a lease lost in a crash costs a re-lease, no more. After a
// restart the task is back as it was on disk (free, or under an earlier
// expiry), so the holder's renewal or commitment is refused
// (notLeaseHolder or leaseExpired), the worker drops the task, and the task
// is leased again.
//
// Migration: jobs stored whole (one JSON document per job, the layout
// before this one) still load; the first save of such a job writes it in
// parts and deletes the old entry in the same batch.
import type { BatchOperation } from 'level'
import type { NodeDb } from '../../node.ts'
import type { PendingResult } from './committed-result.ts'
import { JobStoreError } from './errors.ts'
import { assembleJob, envelopeKey, envelopePartOf, headerKey, headerOf, type JobParts, noParts, parseKey, taskKey, taskPartOf, type WorkerPart, workerKey, workerPartOf, workersOf } from './job-layout.ts'
import type { JobRecord } from './job-record.ts'

/**
 * Which tasks a save changed, and which workers' admission or pay (hex
 * public keys); the header is compared and written when it changed.
 */
export interface JobChange {
  tasks?: readonly number[]
  workers?: readonly string[]
}

interface Dirty {
  all: boolean
  tasks: Set<number>
  workers: Set<string>
}

/** A task's results as last written, by reference. */
interface WrittenResults {
  pending?: PendingResult
  verified?: PendingResult
}

/** What is on disk for a job: its header as written, each task's results (tasks without results are absent) and each worker's part. */
interface Written {
  header: string
  results: Map<number, WrittenResults>
  workers: Map<string, WorkerPart>
  /** The header is of the earlier layout, holding the per-worker maps: the next save writes every worker's part. */
  inlineWorkers: boolean
}

interface Waiters {
  promise: Promise<void>
  resolve(): void
  reject(err: unknown): void
}

function waiters(): Waiters {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

type BatchOp = BatchOperation<NodeDb, string, unknown>

export class JobStore {
  private readonly db: NodeDb
  private readonly parts
  /** The layout before this one: one JSON document per job. */
  private readonly whole
  private readonly jobs = new Map<string, JobRecord>()
  private readonly written = new Map<string, Written>()
  /** Jobs whose old whole-record entry is still on disk. */
  private readonly legacy = new Set<string>()
  private dirty = new Map<string, Dirty>()
  /** The callers of the next batch. */
  private next?: Waiters
  private flushing?: Promise<void>
  private closed = false

  constructor(db: NodeDb) {
    this.db = db
    this.parts = db.sublevel<string, string>('job-parts', { valueEncoding: 'utf8' })
    this.whole = db.sublevel<string, JobRecord>('jobs', { valueEncoding: 'json' })
  }

  /** Reads every stored job into memory (at start). */
  async load(): Promise<void> {
    const found = new Map<string, JobParts>()
    const headers = new Map<string, string>()
    for await (const [key, text] of this.parts.iterator()) {
      const at = parseKey(key)
      if (at === undefined) continue
      const parts = found.get(at.id) ?? found.set(at.id, noParts()).get(at.id)!
      const value = parsed(key, text)
      if (at.kind === 'h') {
        parts.header = value as JobParts['header']
        headers.set(at.id, text)
      } else if (at.kind === 'w') parts.workers.set(at.worker, value as never)
      else if (at.kind === 't') parts.tasks.set(at.index, value as never)
      else parts.envelopes.set(at.index, value as never)
    }
    for (const [id, parts] of found) {
      const job = assembleJob(id, parts)
      const results = new Map<number, WrittenResults>()
      for (const index of parts.envelopes.keys()) if (index < job.tasks.length) results.set(index, { pending: job.pending[index], verified: job.verified?.[index] })
      const workers = new Map<string, WorkerPart>()
      for (const worker of parts.workers.keys()) workers.set(worker, { admitted: job.admitted[worker], paid: job.paid[worker] })
      const inlineWorkers = parts.header?.job.admitted !== undefined || parts.header?.job.paid !== undefined
      this.jobs.set(id, job)
      this.written.set(id, { header: headers.get(id)!, results, workers, inlineWorkers })
    }
    for await (const [id, job] of this.whole.iterator()) {
      this.legacy.add(id)
      // Both layouts of one job never coexist (the migration is one batch); were they to, the parts are the newer.
      if (!this.jobs.has(id)) this.jobs.set(id, job)
    }
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id)
  }

  /** Oldest first. */
  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => a.createdMs - b.createdMs)
  }

  active(): JobRecord[] {
    return this.list().filter((job) => job.status === 'active')
  }

  /**
   * The job's new state, effective at once in memory; resolves once it is
   * durable. `changed.tasks`: the tasks it changed (every task when absent).
   */
  save(job: JobRecord, changed?: JobChange): Promise<void> {
    // A verification that finishes after close() must not write to the closed database.
    if (this.closed) return Promise.resolve()
    this.jobs.set(job.id, job)
    this.markDirty(job.id, changed?.tasks === undefined ? { all: true, tasks: new Set(), workers: new Set() } : { all: false, tasks: new Set(changed.tasks), workers: new Set(changed.workers) })
    this.next ??= waiters()
    this.flushing ??= this.drain()
    return this.next.promise
  }

  /** Refuses further writes and waits for those requested or under way. */
  async close(): Promise<void> {
    this.closed = true
    while (this.flushing !== undefined) await this.flushing
  }

  private markDirty(id: string, change: Dirty): void {
    const dirty = this.dirty.get(id)
    if (dirty === undefined) this.dirty.set(id, change)
    else {
      dirty.all ||= change.all
      for (const index of change.tasks) dirty.tasks.add(index)
      for (const worker of change.workers) dirty.workers.add(worker)
    }
  }

  /** Writes batch after batch while saves keep coming; never rejects (each batch's callers hear its failure). */
  private async drain(): Promise<void> {
    // Saves of this same tick join the first batch.
    await undefined
    for (;;) {
      const callers = this.next
      if (callers === undefined) {
        this.flushing = undefined
        return
      }
      this.next = undefined
      const dirty = this.dirty
      this.dirty = new Map()
      try {
        await this.write(dirty)
        callers.resolve()
      } catch (err) {
        // Not lost: the next save of these jobs writes them again.
        for (const [id, change] of dirty) this.markDirty(id, change)
        callers.reject(err)
      }
    }
  }

  private async write(dirty: Map<string, Dirty>): Promise<void> {
    const ops: BatchOp[] = []
    const onWritten: (() => void)[] = []
    for (const [id, change] of dirty) onWritten.push(this.opsFor(id, change, ops))
    if (ops.length > 0) await this.db.batch(ops)
    for (const done of onWritten) done()
  }

  /** Adds the job's changed parts to `ops`; returns what to record once they are written. */
  private opsFor(id: string, change: Dirty, ops: BatchOp[]): () => void {
    const job = this.jobs.get(id)!
    const known = this.written.get(id)
    const migrating = this.legacy.has(id)
    const put = (key: string, text: string) => ops.push({ type: 'put', sublevel: this.parts, key, value: text })
    const header = JSON.stringify(headerOf(job))
    if (header !== known?.header) put(headerKey(id), header)
    const all = change.all || known === undefined || migrating
    const indexes = all ? job.tasks.keys() : [...change.tasks].filter((i) => i >= 0 && i < job.tasks.length)
    const results: [number, WrittenResults | undefined][] = []
    for (const index of indexes) {
      put(taskKey(id, index), JSON.stringify(taskPartOf(job, index)))
      const before = known?.results.get(index)
      const now = { pending: job.pending[index], verified: job.verified?.[index] }
      if (known !== undefined && before?.pending === now.pending && before?.verified === now.verified) continue
      const part = envelopePartOf(job, index)
      if (part !== undefined) put(envelopeKey(id, index), JSON.stringify(part))
      else if (before !== undefined) ops.push({ type: 'del', sublevel: this.parts, key: envelopeKey(id, index) })
      results.push([index, part === undefined ? undefined : now])
    }
    const workers = this.workerOps(id, job, all || known?.inlineWorkers === true ? undefined : change.workers, known, ops)
    if (migrating) ops.push({ type: 'del', sublevel: this.whole, key: id })
    return () => {
      const written = known ?? { header, results: new Map(), workers: new Map(), inlineWorkers: false }
      written.header = header
      written.inlineWorkers = false
      for (const [index, r] of results) {
        if (r === undefined) written.results.delete(index)
        else written.results.set(index, r)
      }
      for (const [worker, part] of workers) {
        if (part === undefined) written.workers.delete(worker)
        else written.workers.set(worker, part)
      }
      this.written.set(id, written)
      this.legacy.delete(id)
    }
  }

  /**
   * Adds the parts of the named workers (every worker when undefined) that
   * changed since written; returns them, undefined for a part deleted.
   */
  private workerOps(id: string, job: JobRecord, named: Set<string> | undefined, known: Written | undefined, ops: BatchOp[]): [string, WorkerPart | undefined][] {
    const names = named ?? new Set([...workersOf(job), ...(known?.workers.keys() ?? [])])
    const changed: [string, WorkerPart | undefined][] = []
    for (const worker of names) {
      const before = known?.workers.get(worker)
      const part = workerPartOf(job, worker)
      if (before?.admitted === part?.admitted && before?.paid === part?.paid) continue
      if (part !== undefined) ops.push({ type: 'put', sublevel: this.parts, key: workerKey(id, worker), value: JSON.stringify(part) })
      else ops.push({ type: 'del', sublevel: this.parts, key: workerKey(id, worker) })
      changed.push([worker, part])
    }
    return changed
  }
}

function parsed(key: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new JobStoreError(`the node's database holds an unreadable job entry (${key.slice(0, 90)})`)
  }
}
