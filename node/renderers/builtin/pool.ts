// A pool of render worker threads. A region (a frame or a crop) is split into
// row bands; idle workers take bands from one queue, so the node's event loop
// only routes messages and copies rows. Workers are started on demand (the
// first render, not the node's start), unref'd while idle (a forgotten
// renderer does not hold the process open), terminated once the pool has
// been idle for idleMs (each holds a V8 isolate: ~10-40 MiB), and on abort
// or close().

import { Worker } from 'node:worker_threads'
import type { Logger } from '../../log.ts'
import type { CropRegion, RenderSettings } from '../types.ts'
import { BuiltinRendererError } from './errors.ts'
import type { Scene } from './scene.ts'
import type { FromWorker, ToWorker } from './worker-protocol.ts'

/** Bands per thread per region: more than one evens out slow bands (sky is cheap, glass is not). */
const BANDS_PER_THREAD = 4
/**
 * Threads go after this long without a band. A worker between tasks is idle
 * for milliseconds and keeps them; one without work for this long pays
 * ~60-80 ms per thread to start them again, once, at its next render.
 */
export const IDLE_THREAD_MS = 10_000

/** The idle timer; tests pass one that fires on demand. */
export interface PoolTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const REAL_TIMERS: PoolTimers = {
  // Unref'd: an idle pool never holds the process open.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}

export interface PoolInit {
  threads: number
  logger: Logger
  /** Default IDLE_THREAD_MS. */
  idleMs?: number
  timers?: PoolTimers
}

interface Job {
  sceneId: number
  scene: Scene
  frame: number
  settings: RenderSettings
  region: CropRegion
  out: Uint8Array
  remaining: number
  settled: boolean
  resolve: (pixels: Uint8Array) => void
  reject: (err: unknown) => void
}

interface Band {
  id: number
  job: Job
  y0: number
  y1: number
}

interface Slot {
  worker: Worker
  sceneId: number
  band: Band | undefined
}

export class RenderPool {
  private readonly threads: number
  private readonly log: Logger
  private readonly idleMs: number
  private readonly timers: PoolTimers
  private idleTimer: unknown
  private readonly slots: Slot[] = []
  private readonly queue: Band[] = []
  private readonly stopping = new Set<Promise<number>>()
  private readonly sceneIds = new WeakMap<Scene, number>()
  private nextSceneId = 1
  private nextBandId = 1
  private closed = false

  constructor(init: PoolInit) {
    this.threads = init.threads
    this.log = init.logger
    this.idleMs = init.idleMs ?? IDLE_THREAD_MS
    this.timers = init.timers ?? REAL_TIMERS
  }

  /** Live worker threads, counting those still shutting down. */
  get workerCount(): number {
    return this.slots.length + this.stopping.size
  }

  /** RGBA bytes of `region` (absolute pixels in the full frame); rejects with signal.reason on abort. */
  render(scene: Scene, frame: number, settings: RenderSettings, region: CropRegion, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new BuiltinRendererError('RENDERER_CLOSED', 'renderer is closed'))
    if (signal?.aborted) return Promise.reject(signal.reason)
    let sceneId = this.sceneIds.get(scene)
    if (sceneId === undefined) {
      sceneId = this.nextSceneId++
      this.sceneIds.set(scene, sceneId)
    }
    return new Promise((resolve, reject) => {
      const rows = Math.max(1, Math.ceil(region.height / (this.threads * BANDS_PER_THREAD)))
      const job: Job = { sceneId, scene, frame, settings, region, out: new Uint8Array(region.width * region.height * 4), remaining: 0, settled: false, resolve, reject }
      const onAbort = () => this.fail(job, signal?.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
      job.resolve = (pixels) => {
        signal?.removeEventListener('abort', onAbort)
        resolve(pixels)
      }
      job.reject = (err) => {
        signal?.removeEventListener('abort', onAbort)
        reject(err)
      }
      for (let y = region.y; y < region.y + region.height; y += rows) {
        this.queue.push({ id: this.nextBandId++, job, y0: y, y1: Math.min(y + rows, region.y + region.height) })
        job.remaining++
      }
      this.pump()
    })
  }

  /** Terminates every worker and fails whatever was in flight; resolves once all threads are gone. */
  async close(): Promise<void> {
    this.closed = true
    this.disarmIdle()
    const err = new BuiltinRendererError('RENDERER_CLOSED', 'renderer closed during the render')
    for (const band of this.queue.splice(0)) this.fail(band.job, err)
    for (const slot of [...this.slots]) {
      if (slot.band) this.fail(slot.band.job, err)
      this.stop(slot)
    }
    await Promise.all([...this.stopping])
  }

  /** Terminates the threads that have no band now; resolves once they are gone. */
  async trimIdle(): Promise<void> {
    this.disarmIdle()
    const idle = this.slots.filter((s) => s.band === undefined)
    for (const slot of idle) this.stop(slot)
    if (idle.length > 0) this.log.debug('idle render workers stopped', { threads: idle.length })
    await Promise.all([...this.stopping])
  }

  /** Hands queued bands to idle workers, starting workers up to the thread limit; arms the idle timer when nothing is left. */
  private pump(): void {
    if (this.closed) return
    this.disarmIdle()
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.band === undefined)
      if (!slot) {
        if (this.slots.length >= this.threads) return
        slot = this.spawn()
      }
      const band = this.queue.shift()!
      const { job } = band
      slot.band = band
      slot.worker.ref()
      if (slot.sceneId !== job.sceneId) {
        slot.worker.postMessage({ type: 'scene', sceneId: job.sceneId, scene: job.scene } satisfies ToWorker)
        slot.sceneId = job.sceneId
      }
      const region = { x: job.region.x, y: band.y0, width: job.region.width, height: band.y1 - band.y0 }
      slot.worker.postMessage({ type: 'band', bandId: band.id, sceneId: job.sceneId, frame: job.frame, settings: job.settings, region } satisfies ToWorker)
    }
    if (this.slots.length > 0 && this.slots.every((s) => s.band === undefined)) {
      this.idleTimer = this.timers.setTimeout(() => {
        this.idleTimer = undefined
        void this.trimIdle()
      }, this.idleMs)
    }
  }

  private disarmIdle(): void {
    if (this.idleTimer === undefined) return
    this.timers.clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./render-worker.ts', import.meta.url))
    const slot: Slot = { worker, sceneId: 0, band: undefined }
    this.slots.push(slot)
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg))
    worker.on('error', (err) => this.onCrash(slot, err))
    worker.on('exit', (code) => this.onCrash(slot, new Error(`render worker exited with code ${code}`)))
    this.log.debug('render worker started', { threadId: worker.threadId })
    return slot
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const band = slot.band
    if (!band || band.id !== msg.bandId) return
    slot.band = undefined
    slot.worker.unref()
    const { job } = band
    if (msg.type === 'error') {
      this.fail(job, new BuiltinRendererError('WORKER_FAILED', `render worker failed: ${msg.message}`))
    } else if (!job.settled) {
      job.out.set(msg.pixels, (band.y0 - job.region.y) * job.region.width * 4)
      if (--job.remaining === 0) {
        job.settled = true
        job.resolve(job.out)
      }
    }
    this.pump()
  }

  /** A worker died on its own (out of memory, a bug): fail its band's job and carry on with a fresh one. */
  private onCrash(slot: Slot, err: Error): void {
    if (!this.slots.includes(slot)) return
    this.log.warn('render worker died', { err })
    this.slots.splice(this.slots.indexOf(slot), 1)
    if (slot.band) this.fail(slot.band.job, new BuiltinRendererError('WORKER_FAILED', `render worker died: ${err.message}`, { cause: err }))
    this.pump()
  }

  /** Settles a job as failed, drops its queued bands, and stops the workers still busy on it. */
  private fail(job: Job, err: unknown): void {
    if (job.settled) return
    job.settled = true
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].job === job) this.queue.splice(i, 1)
    }
    for (const slot of [...this.slots]) {
      if (slot.band?.job === job) this.stop(slot)
    }
    job.reject(err)
    // Other jobs may have bands queued that the stopped workers would have taken.
    this.pump()
  }

  private stop(slot: Slot): void {
    const i = this.slots.indexOf(slot)
    if (i >= 0) this.slots.splice(i, 1)
    const stopping = slot.worker.terminate()
    this.stopping.add(stopping)
    stopping.finally(() => this.stopping.delete(stopping)).catch(() => {})
  }
}
