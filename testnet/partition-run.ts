// A job through a network partition, for research and the attack suite: a
// testnet of partitionable nodes (partition.ts) renders a job; once workers
// of both halves hold tasks, the peer-to-peer network is split into halves
// for a while, then healed. The devchain stays reachable from both halves
// (a chain is its own network). Reports how the job ended, whether the
// halves found each other again, and the job's money on the ledger.
import { settlementLine } from '../node/cli/job-client.ts'
import { intactFrames, jobView, submitTestnetJob, watchJob } from './job-watch.ts'
import { Testnet, type TestnetInit } from './launcher.ts'
import { auditJob } from './ledger-audit.ts'
import { crossLinks, heal, split } from './partition.ts'

/** Ledger deadlines short enough that a task stuck behind the partition moves on within the run. */
const LEDGER_TIMEOUT_MS = 8000
const LEASE_MS = 5000

/** Three workers and two checkers, every node partitionable; halves: the creator's side and the rest. */
export function partitionTestnet(init: Partial<TestnetInit> = {}): Testnet {
  const args = (more: string[]) => ['--partitionable', ...more]
  return new Testnet({
    workers: 3,
    checkers: 2,
    blobs: 'p2p',
    logLevel: 'info',
    extraArgs: { creator: args(['--lease-ms', String(LEASE_MS)]), worker: args(['--threads', '1']), checker: args(['--threads', '1']) },
    devchainArgs: ['--commit-timeout-ms', String(LEDGER_TIMEOUT_MS), '--verdict-timeout-ms', String(LEDGER_TIMEOUT_MS)],
    ...init
  })
}

export const PARTITION_HALVES = [
  ['creator', 'worker-1', 'checker-1'],
  ['worker-2', 'worker-3', 'checker-2']
]

export interface PartitionRunInit {
  halves: string[][]
  partitionMs: number
  job: Record<string, unknown>
  /** For the job to end and settle after the heal. */
  timeoutMs: number
  /** For every node to see every other again after the heal. */
  healTimeoutMs: number
  log?: (line: string) => void
}

export interface PartitionRunResult {
  jobId: string
  status: string
  frames: number
  succeeded: number
  framesIntact: number
  /** Frames accepted before the split, during it and after the heal. */
  succeededBefore: number
  succeededDuring: number
  /** Workers of the far half that held a task when the split came. */
  farWorkersBusy: number
  /** Connections across the halves a second into the split (0: it held). */
  crossLinksDuring: number
  /** Every node sees every other again (testnet readiness), and how long that took after the heal. */
  healed: boolean
  healMs?: number
  /** Connections across the halves once the heal was waited for. */
  crossLinksAfter: number
  settlement: string
  closed: boolean
  closings: number
  escrow: string
  paidOut: string
  paidTwice: number[]
  tasksPaid: number
  wallMs: number
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Workers outside the creator's half with a task of the job in hand. */
async function farWorkersBusy(testnet: Testnet, jobId: string, far: string[]): Promise<number> {
  const view = await jobView(testnet, jobId)
  const busyKeys = new Set(view?.frames.filter((f) => f.status === 'processing').map((f) => f.worker) ?? [])
  const farPeers = new Set(far.map((name) => testnet.node(name).peerId))
  return (view?.workers ?? []).filter((w) => farPeers.has(w.peerId) && busyKeys.has(w.publicKey)).length
}

export async function runPartitionJob(testnet: Testnet, init: PartitionRunInit): Promise<PartitionRunResult> {
  const log = init.log ?? (() => {})
  const started = Date.now()
  const jobId = await submitTestnetJob(testnet, init.job)
  const far = init.halves.filter((h) => !h.includes('creator')).flat()
  // Split while the far half is working on the job: its tasks are the ones the partition strands.
  const busyBy = Date.now() + 20_000
  let busy = await farWorkersBusy(testnet, jobId, far)
  while (busy === 0 && Date.now() < busyBy) {
    await pause(100)
    busy = await farWorkersBusy(testnet, jobId, far)
  }
  const before = (await jobView(testnet, jobId))?.counts.succeeded ?? 0
  await split(testnet, init.halves)
  log(`split with ${before} frames done, ${busy} far workers busy`)
  await pause(1000)
  const linksDuring = await crossLinks(testnet, init.halves)
  await pause(Math.max(0, init.partitionMs - 1000))
  const during = ((await jobView(testnet, jobId))?.counts.succeeded ?? 0) - before
  await heal(testnet)
  const healStarted = Date.now()
  const healed = await testnet.waitReady(init.healTimeoutMs).then(
    () => true,
    (err: Error) => {
      log(`not healed: ${err.message}`)
      return false
    }
  )
  const healMs = healed ? Date.now() - healStarted : undefined
  const linksAfter = await crossLinks(testnet, init.halves)
  log(`healed ${healed}${healMs === undefined ? '' : ` in ${healMs} ms`}, ${linksAfter} links across; ${during} frames done during the split`)
  const deadline = Date.now() + init.timeoutMs
  const ended = await watchJob(testnet, jobId, deadline, (v) => v.status !== 'active')
  const settled = ended?.status === 'completed' ? await watchJob(testnet, jobId, deadline, (v) => settlementLine(v)?.state !== 'pending') : ended
  const audit = await auditJob(await testnet.ledger(), jobId)
  return {
    jobId,
    status: settled?.status ?? 'unknown (creator not answering)',
    frames: settled?.frames.length ?? 0,
    succeeded: settled?.counts.succeeded ?? 0,
    framesIntact: settled === undefined ? 0 : await intactFrames(testnet, settled),
    succeededBefore: before,
    succeededDuring: during,
    farWorkersBusy: busy,
    crossLinksDuring: linksDuring,
    healed,
    healMs,
    crossLinksAfter: linksAfter,
    settlement: (settled === undefined ? undefined : settlementLine(settled)?.line) ?? 'none',
    closed: audit.closed,
    closings: audit.closings,
    escrow: String(audit.escrow),
    paidOut: String(audit.paidOut),
    paidTwice: audit.paidTwice,
    tasksPaid: audit.workerPaid.size,
    wallMs: Date.now() - started
  }
}

/** The bar: the job completed once with every frame, closed once on the ledger, balanced, nothing paid twice. */
export function partitionProblems(r: PartitionRunResult): string[] {
  const problems: string[] = []
  if (r.status !== 'completed') problems.push(`job ${r.status} after the heal`)
  if (r.frames === 0 || r.framesIntact !== r.frames) problems.push(`${r.framesIntact} of ${r.frames} frames intact`)
  if (r.closings !== 1) problems.push(`job closed ${r.closings} times on the ledger (${r.settlement})`)
  if (r.escrow !== r.paidOut) problems.push(`payouts + refund ${r.paidOut} != escrow ${r.escrow}`)
  if (r.paidTwice.length > 0) problems.push(`tasks ${r.paidTwice.join(', ')} paid twice`)
  return problems
}
