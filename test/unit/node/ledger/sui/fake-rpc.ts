// A Sui full node's gRPC services with no network, as a protobuf-ts
// RpcTransport that a real SuiGrpcClient runs over. It serves an event log
// (ListEvents pages, SubscribeEvents streams that the test can feed and
// drop, checkpoint timestamps), the node's coins, and executes whatever
// transaction it is sent. Cursors are positions in the log; the index may
// be told to trail the stream.

import { GrpcTypes, SuiGrpcClient } from '@mysten/sui/grpc'
import { TransactionDataBuilder } from '@mysten/sui/transactions'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import {
  type MethodInfo,
  mergeRpcOptions,
  RpcError,
  type RpcOptions,
  RpcOutputStreamController,
  type RpcTransport,
  ServerStreamingCall,
  UnaryCall
} from '@protobuf-ts/runtime-rpc'
import { DIGEST } from './offline.ts'

export interface LoggedEvent {
  checkpoint: bigint
  digest: string
  eventIndex: number
  eventType: string
  bcs: Uint8Array
}

export interface FakeCoin {
  objectId: string
  balance: bigint
}

type Frame = { event?: GrpcTypes.Event; watermark: GrpcTypes.Watermark; end?: GrpcTypes.QueryEnd }

const LEDGER_TIP = 5
const ITEM_LIMIT = 1
const encoder = new TextEncoder()
const cursorAt = (position: number) => encoder.encode(`at:${position}`)
const positionOf = (cursor: Uint8Array | undefined) => (cursor === undefined ? 0 : Number(new TextDecoder().decode(cursor).slice(3)))
/** Checkpoint n was made at second 1_700_000_000 + n. */
export const checkpointMs = (checkpoint: bigint) => (1_700_000_000 + Number(checkpoint)) * 1000

export class FakeRpc implements RpcTransport {
  /** The package's events in ledger order. */
  readonly log: LoggedEvent[] = []
  /** The latest checkpoint. */
  tip = 0n
  /** What ListEvents sees when its index trails: the first `events` of the log, covered to `checkpoint`. */
  indexed: { events: number; checkpoint: bigint } | undefined
  /** Event frames carry the cursor from before their event (the server does not promise more). */
  staleCursors = false
  readonly requests: { method: string; input: Record<string, unknown> }[] = []
  readonly streams: RpcOutputStreamController<Frame>[] = []
  readonly coins: FakeCoin[] = []
  /** SUI the account holds outside coins. */
  addressBalance = 0n
  readonly executed: { bytes: Uint8Array; signatures: Uint8Array[] }[] = []
  readonly transactions = new Map<string, GrpcTypes.ExecutedTransaction>()
  /** Events the next executed transaction emits. */
  nextEvents: GrpcTypes.Event[] = []

  client(): SuiGrpcClient {
    return new SuiGrpcClient({ network: 'localnet', transport: this })
  }

  methods(): string[] {
    return this.requests.map((r) => r.method)
  }

  /** Appends to the log (new checkpoints) and sends each event to every open stream. */
  emit(...events: LoggedEvent[]): void {
    for (const event of events) {
      this.log.push(event)
      if (event.checkpoint > this.tip) this.tip = event.checkpoint
      for (const stream of this.open()) stream.notifyMessage(this.#eventFrame(event, this.log.length))
    }
  }

  /** A progress-only frame on every open stream: everything up to the tip is covered. */
  progress(): void {
    for (const stream of this.open()) stream.notifyMessage({ watermark: { cursor: cursorAt(this.log.length), checkpoint: this.tip } })
  }

  /** Every open stream fails as a reset connection would. */
  drop(): void {
    for (const stream of this.open()) stream.notifyError(new RpcError('connection reset', 'UNAVAILABLE'))
  }

  open(): RpcOutputStreamController<Frame>[] {
    return this.streams.filter((s) => !s.closed)
  }

  mergeOptions(options?: Partial<RpcOptions>): RpcOptions {
    return mergeRpcOptions({}, options)
  }

  unary<I extends object, O extends object>(method: MethodInfo<I, O>, input: I, options: RpcOptions): UnaryCall<I, O> {
    this.requests.push({ method: method.name, input: input as Record<string, unknown> })
    const response = Promise.resolve().then(() => this.#answer(method.name, input as never) as O)
    const ok = response.then(
      () => ({ code: 'OK', detail: '' }),
      () => ({ code: 'ERROR', detail: '' })
    )
    return new UnaryCall(method, options.meta ?? {}, input, Promise.resolve({}), response, ok, Promise.resolve({}))
  }

  serverStreaming<I extends object, O extends object>(method: MethodInfo<I, O>, input: I, options: RpcOptions): ServerStreamingCall<I, O> {
    this.requests.push({ method: method.name, input: input as Record<string, unknown> })
    const out = new RpcOutputStreamController<Frame>()
    options.abort?.addEventListener('abort', () => {
      if (!out.closed) out.notifyError(new RpcError('cancelled', 'CANCELLED'))
    })
    if (method.name === 'SubscribeEvents') {
      this.streams.push(out)
      // A filtered subscription opens with a progress-only frame at the tip.
      out.notifyMessage({ watermark: { cursor: cursorAt(this.log.length), checkpoint: this.tip } })
    } else if (method.name === 'ListEvents') {
      for (const frame of this.#listFrames(input as GrpcTypes.ListEventsRequest)) out.notifyMessage(frame)
      out.notifyComplete()
    } else {
      out.notifyError(new RpcError(`${method.name} is not faked`, 'UNIMPLEMENTED'))
    }
    const status = Promise.resolve({ code: 'OK', detail: '' })
    return new ServerStreamingCall(method, options.meta ?? {}, input, Promise.resolve({}), out as never, status, Promise.resolve({}))
  }

  clientStreaming(): never {
    throw new Error('not faked')
  }

  duplex(): never {
    throw new Error('not faked')
  }

  #listFrames(request: GrpcTypes.ListEventsRequest): Frame[] {
    const visible = this.indexed?.events ?? this.log.length
    const covered = this.indexed?.checkpoint ?? this.tip
    const from = positionOf(request.options?.after)
    const limit = request.options?.limit ?? 50
    const frames: Frame[] = []
    for (let at = from; at < visible && frames.length < limit; at++) frames.push(this.#eventFrame(this.log[at]!, at + 1))
    const last = from + frames.length
    if (frames.length === limit && last < visible) {
      frames[frames.length - 1]!.end = { reason: ITEM_LIMIT }
      return frames
    }
    frames.push({ watermark: { cursor: cursorAt(last), checkpoint: covered }, end: { reason: LEDGER_TIP } })
    return frames
  }

  #eventFrame(event: LoggedEvent, position: number): Frame {
    const [packageId, module] = event.eventType.split('::')
    return {
      event: {
        packageId,
        module,
        sender: normalizeSuiAddress('0x1'),
        eventType: event.eventType,
        contents: { value: event.bcs },
        checkpoint: event.checkpoint,
        transactionDigest: event.digest,
        eventIndex: event.eventIndex
      },
      // Everything before this event's checkpoint is covered; the cursor is right after it.
      watermark: { cursor: cursorAt(this.staleCursors ? position - 1 : position), checkpoint: event.checkpoint - 1n }
    }
  }

  #answer(method: string, input: Record<string, unknown>): object {
    switch (method) {
      case 'GetCheckpoint': {
        const id = input.checkpointId as { sequenceNumber: bigint }
        return { checkpoint: { sequenceNumber: id.sequenceNumber, summary: { timestamp: { seconds: BigInt(checkpointMs(id.sequenceNumber) / 1000), nanos: 0 } } } }
      }
      case 'ListOwnedObjects':
        return {
          objects: this.coins.map((coin, i) => ({
            objectId: coin.objectId,
            version: BigInt(10 + i),
            digest: DIGEST,
            objectType: '0x2::coin::Coin<0x2::sui::SUI>',
            balance: coin.balance,
            owner: { kind: 1, address: normalizeSuiAddress('0x1') }
          }))
        }
      case 'GetBalance': {
        const coins = this.coins.reduce((sum, c) => sum + c.balance, 0n)
        return { balance: { coinType: input.coinType, balance: coins + this.addressBalance, coinBalance: coins, addressBalance: this.addressBalance } }
      }
      case 'ExecuteTransaction':
        return { transaction: this.#execute(input as unknown as GrpcTypes.ExecuteTransactionRequest) }
      case 'GetTransaction': {
        const transaction = this.transactions.get(input.digest as string)
        if (transaction === undefined) throw new RpcError('not found', 'NOT_FOUND')
        return { transaction }
      }
      default:
        throw new RpcError(`${method} is not faked`, 'UNIMPLEMENTED')
    }
  }

  #execute(request: GrpcTypes.ExecuteTransactionRequest): GrpcTypes.ExecutedTransaction {
    const bytes = request.transaction!.bcs!.value!
    this.executed.push({ bytes, signatures: request.signatures.map((s) => s.bcs!.value!) })
    const digest = TransactionDataBuilder.getDigestFromBytes(bytes)
    const transaction = GrpcTypes.ExecutedTransaction.create({
      digest,
      effects: { status: { success: true }, transactionDigest: digest, changedObjects: [], unchangedConsensusObjects: [] },
      events: { events: this.nextEvents },
      checkpoint: this.tip + 1n,
      timestamp: { seconds: BigInt(checkpointMs(this.tip + 1n) / 1000), nanos: 0 }
    })
    this.transactions.set(digest, transaction)
    return transaction
  }
}
