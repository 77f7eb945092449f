// Follows the package's events on Sui and hands each one, once, to the
// subscribers, resuming across reconnects and restarts from a cursor kept
// in LevelDB (one key per followed stream).
//
// A subscription starts at the chain's tip and cannot resume, so every
// round opens the live stream first, then replays what came since the saved
// cursor with ListEvents until the replay covers the stream's first
// checkpoint, then takes the stream's frames (the protocol's own recipe,
// sui.rpc.v2.SubscriptionService). The raw gRPC calls are used rather than
// the client's `listEvents` because every frame carries its own resume
// cursor: the cursor saved with an event is the one right after it.
//
// An event's effects (the subscribers' writes) and the new cursor go in one
// atomic batch: either both are on disk or neither is, and an event whose
// batch failed is delivered again after the reconnect. ./follow-state.ts
// recognises events seen before, so overlap between replay and stream, or a
// cursor that did not move, applies nothing twice.

import { setTimeout as sleep } from 'node:timers/promises'
import type { SuiClientTypes } from '@mysten/sui/client'
import type { GrpcTypes, SuiGrpcClient } from '@mysten/sui/grpc'
import { fromBase64, normalizeSuiAddress, toBase64 } from '@mysten/sui/utils'
import { createLogger, type Logger } from '../../log.ts'
import type { LedgerEvent } from '../types.ts'
import { SuiFollowError } from './errors.ts'
import { decodeEvents, type SuiEventBody, toLedgerBody } from './events.ts'
import { afterEvent, afterProgress, type EventPosition, eventId, type FollowState, isApplied, parseFollowState } from './follow-state.ts'

/** The gRPC services the follower reads; `SuiGrpcClient` has them. */
export interface SuiEventSource {
  readonly ledgerService: Pick<SuiGrpcClient['ledgerService'], 'listEvents' | 'getCheckpoint'>
  readonly subscriptionService: Pick<SuiGrpcClient['subscriptionService'], 'subscribeEvents'>
}

/** One write of a LevelDB batch; `sublevel` (of the same database) places it. */
export type FollowWrite =
  | { type: 'put'; key: string; value: unknown; sublevel?: unknown }
  | { type: 'del'; key: string; sublevel?: unknown }

/** Where cursors are kept: a sublevel (JSON values) of the node's database. */
export interface CursorStore {
  get(key: string): Promise<unknown>
  batch(operations: FollowWrite[]): Promise<void>
}

export interface FollowContext {
  /** The event as the package emitted it (JobCreated also names the Job object). */
  sui: SuiEventBody
  /** Writes to commit together with the cursor: the event's effect on this node. */
  writes: FollowWrite[]
}

/**
 * Called once per event, in ledger order; the next waits for it. A handler
 * that throws keeps the event unrecorded: it comes again after the
 * reconnect, and none of its writes were made.
 */
export type FollowHandler = (event: LedgerEvent, context: FollowContext) => void | Promise<void>

export interface FollowOptions {
  /** Events per ListEvents request; servers cap pages at 50. */
  pageSize: number
  /** Backoff after a dropped stream: doubles from the first to the max. */
  firstRetryMs: number
  maxRetryMs: number
  /** While the list index trails the stream's start: wait this long, then list again. */
  indexLagMs: number
  /** A progress-only frame of the stream saves its cursor at most this often (a restart rescans less). */
  progressSaveMs: number
}

export const DEFAULT_FOLLOW_OPTIONS: FollowOptions = {
  pageSize: 50,
  firstRetryMs: 500,
  maxRetryMs: 30_000,
  indexLagMs: 1_000,
  progressSaveMs: 10_000
}

export interface SuiEventFollowerInit {
  source: SuiEventSource
  cursors: CursorStore
  /**
   * What to follow: event type prefixes (`package`, `package::module` or a
   * full type); any of them matches. They name the stream's cursor key.
   */
  eventTypes: string[]
  /** Ids whose events decode as ours (the package's original id among them). */
  packageIds: string[]
  options?: Partial<FollowOptions>
  logger?: Logger
  now?: () => number
}

const EVENT_FIELDS = ['package_id', 'module', 'sender', 'event_type', 'contents', 'checkpoint', 'transaction_digest', 'event_index']
const MAX_EVENT_BYTES = 64 * 1024
/** ListEvents' QueryEndReason: ITEM_LIMIT and SCAN_LIMIT mean there may be more after the cursor. */
const MORE_AFTER = new Set([1, 2])
const TIMESTAMPS_KEPT = 64

type Frame = { event?: GrpcTypes.Event; watermark?: GrpcTypes.Watermark }

export class SuiEventFollower {
  /** The cursor key of this stream. */
  readonly stream: string
  /** Rounds that ended in a dropped stream or failed read (and were retried). */
  reconnects = 0
  readonly #init: SuiEventFollowerInit
  readonly #options: FollowOptions
  readonly #logger: Logger
  readonly #now: () => number
  readonly #handlers = new Set<FollowHandler>()
  readonly #timestamps = new Map<bigint, number>()
  readonly #filter: GrpcTypes.EventFilter
  #state: FollowState | undefined
  #abort: AbortController | undefined
  #running: Promise<void> | undefined
  #lastProgressSave = 0

  constructor(init: SuiEventFollowerInit) {
    if (init.eventTypes.length === 0) throw new SuiFollowError('nothing to follow: no event types')
    this.#init = init
    this.#options = { ...DEFAULT_FOLLOW_OPTIONS, ...init.options }
    this.#logger = init.logger ?? createLogger('sui-follower')
    this.#now = init.now ?? Date.now
    const types = [...new Set(init.eventTypes)].sort()
    this.stream = `events:${types.join(',')}`
    this.#filter = {
      terms: types.map((eventType) => ({
        literals: [{ negated: false, predicate: { oneofKind: 'eventType', eventType: { eventType } } }]
      }))
    }
  }

  /** Adds a handler for the events delivered from now on; returns its removal. */
  subscribe(handler: FollowHandler): () => void {
    this.#handlers.add(handler)
    return () => this.#handlers.delete(handler)
  }

  /** How far the stream is, as last saved (undefined before start). */
  get state(): FollowState | undefined {
    return this.#state
  }

  /** Reads the saved cursor (a damaged one fails here, in one line) and starts following. */
  async start(): Promise<void> {
    if (this.#running !== undefined) return
    this.#state = parseFollowState(this.stream, await this.#init.cursors.get(this.stream))
    const abort = new AbortController()
    this.#abort = abort
    this.#running = this.#run(abort.signal)
  }

  /** Ends the stream and any wait; resolves once nothing is in flight. */
  async stop(): Promise<void> {
    this.#abort?.abort()
    await this.#running
    this.#abort = undefined
    this.#running = undefined
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0
    while (!signal.aborted) {
      try {
        await this.#round(signal, () => {
          failures = 0
        })
      } catch (error) {
        if (signal.aborted) return
        if (error instanceof SuiFollowError) {
          this.#logger.error('stopped following Sui events', { stream: this.stream, error })
          return
        }
        failures++
        this.reconnects++
        const retryInMs = Math.min(this.#options.maxRetryMs, this.#options.firstRetryMs * 2 ** Math.min(failures - 1, 20))
        // Said once per outage: a node offline for hours should not fill its log.
        this.#logger[failures === 1 ? 'warn' : 'debug']('Sui event stream dropped, catching up again', { stream: this.stream, error, failures, retryInMs })
        try {
          await sleep(retryInMs, undefined, { signal })
        } catch {
          return
        }
      }
    }
  }

  /** One subscription: replay from the cursor, then live frames until the stream fails; the stream ends with it. */
  async #round(stopped: AbortSignal, live: () => void): Promise<void> {
    const round = new AbortController()
    const signal = AbortSignal.any([stopped, round.signal])
    try {
      await this.#follow(signal, live)
    } finally {
      round.abort()
    }
  }

  async #follow(signal: AbortSignal, live: () => void): Promise<void> {
    const call = this.#init.source.subscriptionService.subscribeEvents(
      { readMask: { paths: EVENT_FIELDS }, filter: this.#filter },
      { abort: signal }
    )
    const frames = call.responses[Symbol.asyncIterator]()
    const first = await frames.next()
    if (first.done === true) throw new Error('the event stream closed before its first frame')
    // Frames that arrive meanwhile wait in the call's buffer.
    await this.#catchUp(first.value.watermark?.checkpoint, signal)
    live()
    await this.#onFrame(first.value, signal, false)
    for (;;) {
      const next = await frames.next()
      if (next.done === true) throw new Error('the event stream ended')
      await this.#onFrame(next.value, signal, false)
    }
  }

  /** Lists from the saved cursor until the list has covered checkpoint `until` (the stream's start). */
  async #catchUp(until: bigint | undefined, signal: AbortSignal): Promise<void> {
    let covered: bigint | undefined
    for (;;) {
      const cursor = this.#state!.cursor
      const call = this.#init.source.ledgerService.listEvents(
        {
          readMask: { paths: EVENT_FIELDS },
          filter: this.#filter,
          options: { limit: this.#options.pageSize, ...(cursor === null ? {} : { after: fromBase64(cursor) }) }
        },
        { abort: signal }
      )
      let more = false
      for await (const frame of call.responses) {
        const checkpoint = frame.watermark?.checkpoint
        if (checkpoint !== undefined && (covered === undefined || checkpoint > covered)) covered = checkpoint
        await this.#onFrame(frame, signal, true)
        if (frame.end !== undefined) more = MORE_AFTER.has(frame.end.reason ?? 0)
      }
      if (more) continue
      if (until === undefined || (covered !== undefined && covered >= until)) return
      await sleep(this.#options.indexLagMs, undefined, { signal })
    }
  }

  async #onFrame(frame: Frame, signal: AbortSignal, listing: boolean): Promise<void> {
    const cursor = frame.watermark?.cursor === undefined ? null : toBase64(frame.watermark.cursor)
    if (frame.event !== undefined) return this.#apply(frame.event, cursor, signal)
    if (cursor === null) return
    // A list page's progress is saved at once; the stream's at most every progressSaveMs.
    if (!listing && this.#now() - this.#lastProgressSave < this.#options.progressSaveMs) return
    const next = afterProgress(this.#state!, cursor, frame.watermark?.checkpoint, listing)
    if (next === undefined) return
    await this.#init.cursors.batch([{ type: 'put', key: this.stream, value: next }])
    this.#state = next
    this.#lastProgressSave = this.#now()
  }

  async #apply(event: GrpcTypes.Event, cursor: string | null, signal: AbortSignal): Promise<void> {
    const { transactionDigest, eventIndex } = event
    if (typeof transactionDigest !== 'string' || transactionDigest.length > 64 || typeof eventIndex !== 'number') {
      throw new SuiFollowError(`an event frame of ${this.stream} has no transaction digest or event index`)
    }
    const position: EventPosition = { id: eventId(transactionDigest, eventIndex), checkpoint: event.checkpoint }
    const state = this.#state!
    if (isApplied(state, position)) return
    const sui = this.#decode(event, position.id)
    const body = sui === undefined ? undefined : toLedgerBody(sui)
    const writes: FollowWrite[] = []
    if (sui !== undefined && body !== undefined) {
      const timestampMs = await this.#timestampOf(event.checkpoint, signal)
      const delivered = { ...body, seq: state.seq, txDigest: transactionDigest, timestampMs } as LedgerEvent
      for (const handler of [...this.#handlers]) await handler(delivered, { sui, writes })
    }
    const next = afterEvent(state, position, cursor, body !== undefined)
    await this.#init.cursors.batch([...writes, { type: 'put', key: this.stream, value: next }])
    this.#state = next
  }

  #decode(event: GrpcTypes.Event, id: string): SuiEventBody | undefined {
    const bytes = event.contents?.value ?? new Uint8Array()
    if (bytes.length > MAX_EVENT_BYTES) throw new SuiFollowError(`event ${id} is ${bytes.length} bytes, over ${MAX_EVENT_BYTES}`)
    const raw: SuiClientTypes.Event = {
      packageId: normalizeSuiAddress(event.packageId ?? '0x0'),
      module: event.module ?? '',
      sender: normalizeSuiAddress(event.sender ?? '0x0'),
      eventType: event.eventType ?? '',
      bcs: bytes,
      json: null
    }
    try {
      return decodeEvents([raw], this.#init.packageIds)[0]
    } catch (cause) {
      // The same bytes will not decode on a retry: following stops rather than skip an event.
      throw new SuiFollowError(`event ${id} (${raw.eventType}) does not decode as the package's layout`, { cause })
    }
  }

  /** Events carry no time: their checkpoint's timestamp is read once per checkpoint. */
  async #timestampOf(checkpoint: bigint | undefined, signal: AbortSignal): Promise<number> {
    if (checkpoint === undefined) return 0
    const known = this.#timestamps.get(checkpoint)
    if (known !== undefined) return known
    const { response } = await this.#init.source.ledgerService.getCheckpoint(
      { checkpointId: { oneofKind: 'sequenceNumber', sequenceNumber: checkpoint }, readMask: { paths: ['summary.timestamp'] } },
      { abort: signal }
    )
    const timestamp = response.checkpoint?.summary?.timestamp
    const ms = timestamp === undefined ? 0 : Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6)
    if (this.#timestamps.size >= TIMESTAMPS_KEPT) this.#timestamps.delete(this.#timestamps.keys().next().value!)
    this.#timestamps.set(checkpoint, ms)
    return ms
  }
}
