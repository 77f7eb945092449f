// The attack of a checker that rejects honest work to profit from it, run
// on a live testnet (`npm run testnet -- --checker-rejects`, and the e2e
// test): the scenario job runs until it ends or every worker it admitted is
// excluded, then the ledger says what each checker earned. The attack pays
// if a rejecting verdict earned its checker more than the job's checker fee,
// or any slashed stake reached it.
import { ApiClient } from '../node/api/client.ts'
import { prepareJob, progressLine, submitJob } from '../node/cli/job-client.ts'
import { stoppedAtDeadline } from '../node/cli/job-timing.ts'
import { jobPayouts } from '../node/ledger/job-payouts.ts'
import { MAX_EVENTS_PER_QUERY, type Ledger, type LedgerEvent } from '../node/ledger/types.ts'
import { summarise } from '../node/ledger/wallet.ts'
import type { JobView } from '../node/roles/creator/index.ts'
import type { Testnet } from './launcher.ts'
import { SCENARIO_JOB, SCENARIO_SCENE } from './scenario.ts'

export interface CheckerAccount {
  name: string
  address: string
  accepted: number
  rejected: number
  /** CheckerPaid for this job's verdicts. */
  fees: bigint
  /** Others' slashed stake that reached it, ledger-wide. */
  slashShares: bigint
  /** Its balance now, and what the faucet and its own stake explain of it: balance = funded - staked + earnings. */
  balance: bigint
  funded: bigint
  staked: bigint
}

export interface RejectionReport {
  jobId: string
  checkerFee: bigint
  checkers: CheckerAccount[]
  /** Stake slashed from the job's rejected workers; all of it went to the creator. */
  slashedToCreator: bigint
  slashedWorkers: Map<string, bigint>
}

/** Submits the scenario job and waits until it ends, or until every worker it admitted is excluded (nobody is left to render). */
export async function runUntilStalled(testnet: Testnet, log: (line: string) => void = () => {}, pollMs = 300): Promise<JobView> {
  const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  const spec = await prepareJob(SCENARIO_SCENE, SCENARIO_JOB)
  const { id } = await submitJob(client, SCENARIO_SCENE, spec)
  let last = ''
  for (;;) {
    const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
    const line = progressLine(view)
    if (line !== last) log(line)
    last = line
    const excluded = view.workers.length > 0 && view.workers.every((w) => w.banned)
    if (view.status !== 'active' || stoppedAtDeadline(view) || excluded) return view
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

/**
 * Waits (at most `timeoutMs`) until no task of the job awaits a verdict on
 * the ledger: checkers attest there after answering the creator, so the
 * last verdicts land after the job stalls. False if some still do.
 */
export async function verdictsLanded(testnet: Testnet, jobId: string, timeoutMs: number): Promise<boolean> {
  const ledger = await testnet.ledger()
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((await ledger.job(jobId))?.pendingTasks === 0) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

export async function allEvents(ledger: Pick<Ledger, 'events'>): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = []
  for (let fromSeq = 0; ; ) {
    const page = await ledger.events({ fromSeq, limit: MAX_EVENTS_PER_QUERY })
    events.push(...page)
    if (page.length < MAX_EVENTS_PER_QUERY) return events
    fromSeq = page[page.length - 1].seq + 1
  }
}

/**
 * What the ledger says each checker of the testnet earned from `jobId`.
 * Balances and events are read until a read of the events before and
 * after the balances agree, so that both describe the same ledger state.
 */
export async function rejectionReport(testnet: Testnet, jobId: string): Promise<RejectionReport> {
  const ledger = await testnet.ledger()
  const checkers = testnet.nodes.filter((n) => n.role === 'checker')
  for (;;) {
    const before = await allEvents(ledger)
    const reads = await Promise.all(checkers.map(async (n) => ({ n, balance: await ledger.balance(n.suiAddress), node: await ledger.node(n.suiAddress) })))
    const events = await allEvents(ledger)
    if (events.length !== before.length) continue
    const job = await ledger.job(jobId)
    if (job === undefined) throw new Error(`job ${jobId} is not on the ledger`)
    const payouts = await jobPayouts(ledger, jobId)
    const accounts = reads.map(({ n, balance, node }): CheckerAccount => {
      const verdicts = events.filter((e) => e.type === 'VerdictSubmitted' && e.jobId === jobId && e.checker === n.suiAddress)
      const wallet = summarise(n.suiAddress, balance, node, events)
      return {
        name: n.name,
        address: n.suiAddress,
        accepted: verdicts.filter((e) => e.type === 'VerdictSubmitted' && e.accepted).length,
        rejected: verdicts.filter((e) => e.type === 'VerdictSubmitted' && !e.accepted).length,
        fees: payouts.checkers.get(n.suiAddress) ?? 0n,
        slashShares: wallet.earnings.slashShares,
        balance,
        funded: events.reduce((sum, e) => (e.type === 'Minted' && e.address === n.suiAddress ? sum + e.amount : sum), 0n),
        staked: events.reduce((sum, e) => ((e.type === 'NodeRegistered' || e.type === 'StakeAdded') && e.node === n.suiAddress ? sum + (e.type === 'NodeRegistered' ? e.stake : e.amount) : sum), 0n)
      }
    })
    return { jobId, checkerFee: job.checkerFee, checkers: accounts, slashedToCreator: payouts.slashedToCreator, slashedWorkers: payouts.slashedWorkers }
  }
}

/** Whether rejecting paid any checker more than its fee per verdict, or any slashed stake reached a checker. */
export function rejectingPays(report: RejectionReport): boolean {
  return report.checkers.some((c) => c.fees !== BigInt(c.accepted + c.rejected) * report.checkerFee || c.slashShares !== 0n)
}
