// The dev chain: orders transactions one per block, applies them with the
// pure state machine, and persists each in ONE LevelDB batch (state entries
// it changed + block + events + tx index + head), so a transaction is either
// fully on disk or not at all, whatever kills the process. On start the
// state is loaded from those entries; replay() recomputes it from the blocks
// to prove the two agree.
//
// Batches are written without fsync: LevelDB has appended the batch to its
// log with write(2) before the call returns, so a killed process (SIGKILL)
// loses nothing; only an OS crash could lose the last transactions, which is
// acceptable for a development chain.
import { randomBytes } from 'node:crypto'
import { sha256 } from '@noble/hashes/sha2.js'
import { Level } from 'level'
import { LedgerError } from '../errors.ts'
import { type ChainTask, DEFAULT_LEDGER_PARAMS, type LedgerEvent, type LedgerParams, MAX_EVENTS_PER_QUERY, U64_MAX } from '../types.ts'
import { deriveBeacon, secretCommitment } from './beacon.ts'
import { isAddress } from './calls.ts'
import { canonicalJson } from './canonical-json.ts'
import { type ApplyResult, apply, genesisState, type LedgerState, type StateTx, taskOf } from './state.ts'
import { mintDigest, type SignedTx, txDigest, verifyTx } from './tx.ts'
import { fromWire, toWire, type Wire } from './wire.ts'

export type BlockTx = { genesis: { params: Wire<LedgerParams>; secretCommitment: string } } | { signed: SignedTx } | { mint: { address: string; amount: string } }

export interface Block {
  height: number
  prevHash: string
  timestampMs: number
  tx: BlockTx
  txDigest: string
  /** Seq of the block's first event; its events are firstEventSeq .. firstEventSeq + eventCount - 1. */
  firstEventSeq: number
  eventCount: number
  hash: string
}

export interface DevReceipt {
  digest: string
  height: number
  events: LedgerEvent[]
}

export interface ChainInfo {
  chainId: string
  height: number
  headHash: string
  params: LedgerParams
  minted: bigint
  nextEventSeq: number
  /** sha256 of the beacon secret, fixed at genesis (beacon.ts). */
  secretCommitment: string
  /** The chain's one registry, which calls on a job's tasks name (registryOf). */
  registry: string
}

export interface DevChainInit {
  /** LevelDB folder. */
  path: string
  /** Used only when the folder holds no chain yet. */
  params: LedgerParams
  /** Block time source; injected for tests. Block times never go backwards. */
  clock?: () => number
}

interface Head {
  height: number
  hash: string
  timestampMs: number
  nextEventSeq: number
}

const ZERO_HASH = '0'.repeat(64)
const pad = (n: number) => n.toString().padStart(16, '0')
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const hashJson = (value: unknown) => hex(sha256(new TextEncoder().encode(canonicalJson(value))))

/**
 * The registry id of a dev chain: `0x` + its chain id (the genesis hash). A
 * dev chain has one registry, so this only has to differ between chains, as
 * Sui object ids do.
 */
export const registryOf = (chainId: string): string => `0x${chainId}`

type Op = { type: 'put'; key: string; value: unknown }

export class DevChain {
  private readonly init: DevChainInit
  private db?: Level<string, unknown>
  private state!: LedgerState
  private head!: Head
  private secret!: Uint8Array
  private genesis!: Block
  /** Serialises writers: one transaction is applied and persisted at a time. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(init: DevChainInit) {
    this.init = init
  }

  async start(): Promise<void> {
    const db = new Level<string, unknown>(this.init.path, { valueEncoding: 'json' })
    await db.open()
    this.db = db
    const head = (await db.get('meta:head')) as Head | undefined
    if (head === undefined) return this.writeGenesis()
    this.head = head
    this.secret = Buffer.from((await db.get('meta:secret')) as string, 'hex')
    this.genesis = (await db.get(`block:${pad(0)}`)) as Block
    this.state = await this.loadState()
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => {})
    await this.db?.close()
    this.db = undefined
  }

  get chainId(): string {
    return this.genesis.hash
  }

  info(): ChainInfo {
    const g = this.genesis.tx as Extract<BlockTx, { genesis: unknown }>
    const { height, hash, nextEventSeq } = this.head
    return { chainId: this.chainId, height, headHash: hash, params: this.state.params, minted: this.state.minted, nextEventSeq, secretCommitment: g.genesis.secretCommitment, registry: this.state.registry }
  }

  /** The current state (immutable): for reads and invariant checks. */
  snapshot(): LedgerState {
    return this.state
  }

  /** Verifies and applies a signed transaction from the wire; a LedgerError if refused. */
  submit(raw: unknown): Promise<DevReceipt> {
    return this.exclusive(async () => {
      const { tx, stateTx } = verifyTx(raw, this.chainId)
      const digest = txDigest(tx)
      // The same signed transaction again (a client retrying after a lost
      // reply) gets its original receipt instead of EBadNonce.
      const height = (await this.db!.get(`tx:${digest}`)) as number | undefined
      if (height !== undefined) return this.receiptOf(height)
      return this.commit({ signed: tx }, digest, stateTx)
    })
  }

  /** Dev faucet: mints `amount` to `address`, recorded as a block like any transaction. */
  faucet(address: string, amount: bigint): Promise<DevReceipt> {
    return this.exclusive(async () => {
      if (!isAddress(address)) throw new LedgerError('EMalformed', 'faucet address must be a Sui address')
      if (amount < 0n) throw new LedgerError('EMalformed', 'faucet amount must not be negative')
      if (amount > U64_MAX) throw new LedgerError('EOverflow', 'faucet amount exceeds u64')
      const digest = mintDigest(address, amount, this.head.hash)
      return this.commit({ mint: { address, amount: amount.toString() } }, digest, { kind: 'mint', address, amount })
    })
  }

  nonce(address: string): number {
    return this.state.accounts.get(address)?.nonce ?? 0
  }

  balance(address: string): bigint {
    return this.state.accounts.get(address)?.balance ?? 0n
  }

  node(address: string) {
    return this.state.nodes.get(address)
  }

  job(jobId: string) {
    return this.state.jobs.get(jobId)
  }

  task(jobId: string, taskIndex: number): ChainTask {
    return taskOf(this.state, jobId, taskIndex)
  }

  async events(fromSeq = 0, limit = MAX_EVENTS_PER_QUERY): Promise<LedgerEvent[]> {
    const n = Math.min(Math.max(1, limit), MAX_EVENTS_PER_QUERY)
    const out: LedgerEvent[] = []
    for await (const value of this.db!.values({ gte: `event:${pad(Math.max(0, fromSeq))}`, lt: 'event;', limit: n })) out.push(fromWire(value))
    return out
  }

  async block(height: number): Promise<Block | undefined> {
    return (await this.db!.get(`block:${pad(height)}`)) as Block | undefined
  }

  /**
   * Re-applies every block from genesis, checking each block's digest,
   * beacon-dependent outcome and events, and returns the state it reaches.
   * Tests compare it with the state loaded from the persisted entries.
   */
  async replay(): Promise<LedgerState> {
    let state = genesisState(this.state.params, registryOf(this.chainId))
    for (let h = 1; h <= this.head.height; h++) {
      const block = (await this.block(h))!
      const stateTx = this.stateTxOf(block.tx)
      const result = apply(state, stateTx, { now: block.timestampMs, beacon: deriveBeacon(block.prevHash, block.txDigest, this.secret) })
      const stored = await this.events(block.firstEventSeq, block.eventCount)
      if (canonicalJson(toWire(stored.map(({ seq: _s, txDigest: _d, timestampMs: _t, ...body }) => body))) !== canonicalJson(toWire(result.events))) {
        throw new Error(`replay diverged at block ${h}`)
      }
      state = result.state
    }
    return state
  }

  private stateTxOf(tx: BlockTx): StateTx {
    if ('signed' in tx) return verifyTx(tx.signed, this.chainId).stateTx
    if ('mint' in tx) return { kind: 'mint', address: tx.mint.address, amount: BigInt(tx.mint.amount) }
    throw new Error('a genesis block past height 0')
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db === undefined) return Promise.reject(new Error('dev chain is not started'))
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }

  private async commit(tx: BlockTx, digest: string, stateTx: StateTx): Promise<DevReceipt> {
    const prev = this.head
    const timestampMs = Math.max(prev.timestampMs, (this.init.clock ?? Date.now)())
    const result = apply(this.state, stateTx, { now: timestampMs, beacon: deriveBeacon(prev.hash, digest, this.secret) })
    const events: LedgerEvent[] = result.events.map((e, i) => ({ ...e, seq: prev.nextEventSeq + i, txDigest: digest, timestampMs }))
    const height = prev.height + 1
    const block = this.sealBlock({ height, prevHash: prev.hash, timestampMs, tx, txDigest: digest, firstEventSeq: prev.nextEventSeq, eventCount: events.length }, events)
    const head: Head = { height, hash: block.hash, timestampMs, nextEventSeq: prev.nextEventSeq + events.length }
    const ops: Op[] = [...stateOps(result), { type: 'put', key: `block:${pad(height)}`, value: block }, { type: 'put', key: `tx:${digest}`, value: height }, { type: 'put', key: 'meta:head', value: head }]
    for (const e of events) ops.push({ type: 'put', key: `event:${pad(e.seq)}`, value: toWire(e) })
    await this.db!.batch(ops)
    // Only after the batch is durable does the in-memory state move on.
    this.state = result.state
    this.head = head
    return { digest, height, events }
  }

  private sealBlock(fields: Omit<Block, 'hash'>, events: LedgerEvent[]): Block {
    return { ...fields, hash: hashJson({ ...fields, events: hashJson(toWire(events)) }) }
  }

  private async receiptOf(height: number): Promise<DevReceipt> {
    const block = (await this.block(height))!
    return { digest: block.txDigest, height, events: await this.events(block.firstEventSeq, block.eventCount) }
  }

  private async writeGenesis(): Promise<void> {
    const secret = randomBytes(32)
    const params = this.init.params
    const tx: BlockTx = { genesis: { params: toWire(params), secretCommitment: secretCommitment(secret) } }
    const timestampMs = (this.init.clock ?? Date.now)()
    const genesis = this.sealBlock({ height: 0, prevHash: ZERO_HASH, timestampMs, tx, txDigest: hashJson(tx), firstEventSeq: 0, eventCount: 0 }, [])
    const head: Head = { height: 0, hash: genesis.hash, timestampMs, nextEventSeq: 0 }
    await this.db!.batch([
      { type: 'put', key: 'meta:secret', value: hex(secret) },
      { type: 'put', key: `block:${pad(0)}`, value: genesis },
      { type: 'put', key: 'meta:head', value: head }
    ])
    this.secret = secret
    this.genesis = genesis
    this.head = head
    this.state = genesisState(params, registryOf(genesis.hash))
  }

  private async loadState(): Promise<LedgerState> {
    const db = this.db!
    const load = async <V>(prefix: string): Promise<Map<string, V>> => {
      const out = new Map<string, V>()
      for await (const [key, value] of db.iterator({ gte: `${prefix}:`, lt: `${prefix};` })) out.set(key.slice(prefix.length + 1), fromWire<V>(value))
      return out
    }
    const g = this.genesis.tx as Extract<BlockTx, { genesis: unknown }>
    const minted = (await db.get('state:minted')) as string | undefined
    return {
      // A chain from before a constant existed runs with its default.
      params: { ...DEFAULT_LEDGER_PARAMS, ...fromWire<LedgerParams>(g.genesis.params) },
      registry: registryOf(this.genesis.hash),
      minted: BigInt(minted ?? '0'),
      accounts: await load('acct'),
      nodes: await load('node'),
      checkers: ((await db.get('state:checkers')) as string[] | undefined) ?? [],
      jobs: await load('job'),
      tasks: await load('task'),
      verdicts: await load('verdict'),
      appeals: await load('appeal')
    }
  }
}

/** LevelDB puts for every state entry a transaction wrote. */
function stateOps({ changes }: ApplyResult): Op[] {
  const ops: Op[] = [{ type: 'put', key: 'state:minted', value: changes.minted.toString() }]
  for (const [k, v] of changes.accounts) ops.push({ type: 'put', key: `acct:${k}`, value: toWire(v) })
  for (const [k, v] of changes.nodes) ops.push({ type: 'put', key: `node:${k}`, value: toWire(v) })
  for (const [k, v] of changes.jobs) ops.push({ type: 'put', key: `job:${k}`, value: toWire(v) })
  for (const [k, v] of changes.tasks) ops.push({ type: 'put', key: `task:${k}`, value: toWire(v) })
  for (const [k, v] of changes.verdicts) ops.push({ type: 'put', key: `verdict:${k}`, value: toWire(v) })
  for (const [k, v] of changes.appeals) ops.push({ type: 'put', key: `appeal:${k}`, value: toWire(v) })
  if (changes.checkers) ops.push({ type: 'put', key: 'state:checkers', value: changes.checkers })
  return ops
}
