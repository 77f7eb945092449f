// The dev ledger's state machine: apply(state, tx, ctx) returns a new state
// and the events, or throws a LedgerError and the old state is untouched
// (states are immutable; a transaction writes into a Draft overlay that is
// dropped on any throw). Pure and deterministic: the clock and the beacon
// come in through `ctx`, exactly as Sui passes `Clock` and `Random` to the
// Move package. The per-function rules live in handlers.ts.
import { LedgerError } from '../errors.ts'
import type { ChainAppeal, ChainJob, ChainNode, ChainTask, ChainVerdict, LedgerEventBody, LedgerParams } from '../types.ts'
import type { Call } from './calls.ts'
import { HANDLERS } from './handlers.ts'
import { add, addCount } from './u64.ts'
import { VersionedMap } from './versioned-map.ts'

export interface Account {
  balance: bigint
  /** Nonce of the sender's last applied transaction; the next must be this + 1. */
  nonce: number
}

export interface LedgerState {
  readonly params: LedgerParams
  /** The chain's one registry (Move: the Registry object id): every job records it, task calls must name it. */
  readonly registry: string
  /** Everything the faucet ever created: the conservation invariant's left side. */
  readonly minted: bigint
  readonly accounts: ReadonlyMap<string, Account>
  readonly nodes: ReadonlyMap<string, ChainNode>
  /**
   * The active checkers, as Move's Registry.checkers: appended on register,
   * swap-removed on request_withdraw. The beacon indexes into this list
   * (skipping excluded keys), so its order is part of the semantics.
   */
  readonly checkers: readonly string[]
  readonly jobs: ReadonlyMap<string, ChainJob>
  /** Keyed by taskKey(); a task with no entry is Open and was never assigned. */
  readonly tasks: ReadonlyMap<string, ChainTask>
  /** Keyed by taskKey(): the task's last verdict and its last appeal (Move: the job's `verdicts`, `appeals`). */
  readonly verdicts: ReadonlyMap<string, ChainVerdict>
  readonly appeals: ReadonlyMap<string, ChainAppeal>
}

/** What the chain applies: a signed call whose sender the chain has authenticated, or a dev faucet mint. */
export type StateTx = { kind: 'call'; sender: string; nonce: number; call: Call } | { kind: 'mint'; address: string; amount: bigint }

export interface TxContext {
  /** Block time, ms. */
  now: number
  /** 32 bytes no one could know before this transaction was final (beacon.ts). */
  beacon: Uint8Array
}

/** Entries written by one transaction (`checkers` only when it changed). */
export interface StateChanges {
  minted: bigint
  accounts: Map<string, Account>
  nodes: Map<string, ChainNode>
  checkers?: readonly string[]
  jobs: Map<string, ChainJob>
  tasks: Map<string, ChainTask>
  verdicts: Map<string, ChainVerdict>
  appeals: Map<string, ChainAppeal>
}

export interface ApplyResult {
  state: LedgerState
  events: LedgerEventBody[]
  changes: StateChanges
}

export const taskKey = (jobId: string, taskIndex: number): string => `${jobId}:${taskIndex}`

export function genesisState(params: LedgerParams, registry: string): LedgerState {
  return { params, registry, minted: 0n, accounts: new Map(), nodes: new Map(), checkers: [], jobs: new Map(), tasks: new Map(), verdicts: new Map(), appeals: new Map() }
}

/** Copy-on-write view of a state for one transaction. */
export class Draft {
  readonly base: LedgerState
  readonly ctx: TxContext
  readonly events: LedgerEventBody[] = []
  readonly changes: StateChanges

  constructor(base: LedgerState, ctx: TxContext) {
    this.base = base
    this.ctx = ctx
    this.changes = { minted: base.minted, accounts: new Map(), nodes: new Map(), jobs: new Map(), tasks: new Map(), verdicts: new Map(), appeals: new Map() }
  }

  get params(): LedgerParams {
    return this.base.params
  }

  emit(event: LedgerEventBody): void {
    this.events.push(event)
  }

  account(address: string): Account {
    return this.changes.accounts.get(address) ?? this.base.accounts.get(address) ?? { balance: 0n, nonce: 0 }
  }

  setAccount(address: string, account: Account): void {
    this.changes.accounts.set(address, account)
  }

  credit(address: string, amount: bigint, what: string): void {
    const acct = this.account(address)
    this.setAccount(address, { ...acct, balance: add(acct.balance, amount, what) })
  }

  /** Takes a stake or escrow from the sender's balance (on Sui: a Coin it passes in). */
  debit(address: string, amount: bigint, what: string): void {
    const acct = this.account(address)
    if (acct.balance < amount) throw new LedgerError('EInsufficientBalance', `${what}: balance ${acct.balance} < ${amount}`)
    this.setAccount(address, { ...acct, balance: acct.balance - amount })
  }

  node(address: string): ChainNode | undefined {
    return this.changes.nodes.get(address) ?? this.base.nodes.get(address)
  }

  setNode(node: ChainNode): void {
    this.changes.nodes.set(node.address, node)
  }

  checkers(): readonly string[] {
    return this.changes.checkers ?? this.base.checkers
  }

  /** Swap-remove (Move: `registry::remove_checker`): the last checker takes the leaving one's place. */
  removeChecker(address: string): void {
    const checkers = [...this.checkers()]
    const slot = checkers.indexOf(address)
    if (slot === -1) return
    checkers[slot] = checkers[checkers.length - 1]
    checkers.pop()
    this.changes.checkers = checkers
  }

  addChecker(address: string): void {
    this.changes.checkers = [...this.checkers(), address]
  }

  job(jobId: string): ChainJob {
    const job = this.changes.jobs.get(jobId) ?? this.base.jobs.get(jobId)
    if (job === undefined) throw new LedgerError('EUnknownJob', `no job ${jobId}`)
    return job
  }

  hasJob(jobId: string): boolean {
    return this.changes.jobs.has(jobId) || this.base.jobs.has(jobId)
  }

  setJob(job: ChainJob): void {
    this.changes.jobs.set(job.jobId, job)
  }

  /** The task's record, or undefined if it was never assigned (Move: `!job.tasks.contains(i)`). */
  task(jobId: string, taskIndex: number): ChainTask | undefined {
    const key = taskKey(jobId, taskIndex)
    return this.changes.tasks.get(key) ?? this.base.tasks.get(key)
  }

  setTask(jobId: string, taskIndex: number, task: ChainTask): void {
    this.changes.tasks.set(taskKey(jobId, taskIndex), task)
  }

  verdict(jobId: string, taskIndex: number): ChainVerdict | undefined {
    const key = taskKey(jobId, taskIndex)
    return this.changes.verdicts.get(key) ?? this.base.verdicts.get(key)
  }

  setVerdict(jobId: string, taskIndex: number, verdict: ChainVerdict): void {
    this.changes.verdicts.set(taskKey(jobId, taskIndex), verdict)
  }

  appeal(jobId: string, taskIndex: number): ChainAppeal | undefined {
    const key = taskKey(jobId, taskIndex)
    return this.changes.appeals.get(key) ?? this.base.appeals.get(key)
  }

  setAppeal(jobId: string, taskIndex: number, appeal: ChainAppeal): void {
    this.changes.appeals.set(taskKey(jobId, taskIndex), appeal)
  }

  mint(amount: bigint): void {
    this.changes.minted = add(this.changes.minted, amount, 'total minted')
  }

  finish(): ApplyResult {
    const { base, changes } = this
    // The written entries alone, not a copy of each map (versioned-map.ts): the old state still reads as it was.
    const merge = <V>(from: ReadonlyMap<string, V>, writes: Map<string, V>): ReadonlyMap<string, V> => (writes.size === 0 ? from : VersionedMap.of(from).with(writes))
    const state: LedgerState = {
      params: base.params,
      registry: base.registry,
      minted: changes.minted,
      accounts: merge(base.accounts, changes.accounts),
      nodes: merge(base.nodes, changes.nodes),
      checkers: changes.checkers ?? base.checkers,
      jobs: merge(base.jobs, changes.jobs),
      tasks: merge(base.tasks, changes.tasks),
      verdicts: merge(base.verdicts, changes.verdicts),
      appeals: merge(base.appeals, changes.appeals)
    }
    return { state, events: this.events, changes }
  }
}

export function apply(state: LedgerState, tx: StateTx, ctx: TxContext): ApplyResult {
  const draft = new Draft(state, ctx)
  if (tx.kind === 'mint') {
    draft.mint(tx.amount)
    draft.credit(tx.address, tx.amount, 'balance')
    draft.emit({ type: 'Minted', address: tx.address, amount: tx.amount })
    return draft.finish()
  }
  // Nonce first: a replayed or out-of-order transaction is refused before any rule runs.
  const acct = draft.account(tx.sender)
  if (tx.nonce !== addCount(acct.nonce, 1, 'nonce')) throw new LedgerError('EBadNonce', `nonce ${tx.nonce} from ${tx.sender}; expected ${acct.nonce + 1}`)
  draft.setAccount(tx.sender, { ...acct, nonce: tx.nonce })
  const handler = HANDLERS[tx.call.call] as (d: Draft, sender: string, call: Call) => void
  handler(draft, tx.sender, tx.call)
  return draft.finish()
}

/** Totals for the conservation invariant: minted = balances + stake + escrow + appeal fees held. */
export function holdings(state: LedgerState): { balances: bigint; stake: bigint; escrow: bigint; appealFees: bigint } {
  let balances = 0n
  let stake = 0n
  let escrow = 0n
  let appealFees = 0n
  for (const a of state.accounts.values()) balances += a.balance
  for (const n of state.nodes.values()) stake += n.stake
  for (const j of state.jobs.values()) {
    escrow += j.escrow
    appealFees += j.appealFees
  }
  return { balances, stake, escrow, appealFees }
}

export function taskOf(state: LedgerState, jobId: string, taskIndex: number): ChainTask {
  const job = state.jobs.get(jobId)
  if (job === undefined) throw new LedgerError('EUnknownJob', `no job ${jobId}`)
  if (!Number.isSafeInteger(taskIndex) || taskIndex < 0 || taskIndex >= job.taskCount) throw new LedgerError('EBadArgs', `task ${taskIndex} is past the job's ${job.taskCount} tasks`)
  return state.tasks.get(taskKey(jobId, taskIndex)) ?? { state: 'open', attempts: 0 }
}
