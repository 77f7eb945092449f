// Crash rounds on a live testnet with a devchain, for research and the attack
// suite: each round submits a tiny job, SIGKILLs one process (a worker, the
// checker, the creator or the devchain) at a seeded random moment of it,
// restarts it after a seeded random downtime, and reports what survived:
// the job, its frames (downloaded and decoded) and its money on the ledger.
// Beside the rounds, ledger-audit.ts's AckedTxProbe keeps sending devchain
// transactions, so a devchain kill can be checked for lost acknowledged ones.
import { settlementLine } from '../node/cli/job-client.ts'
import { intactFrames, jobView, submitTestnetJob, watchJob } from './job-watch.ts'
import { Testnet, type TestnetInit } from './launcher.ts'
import { auditJob } from './ledger-audit.ts'
import { randomInt } from './seeded-random.ts'

export type CrashTarget = 'worker' | 'checker' | 'creator' | 'devchain'
export const CRASH_TARGETS: readonly CrashTarget[] = ['worker', 'checker', 'creator', 'devchain']

/** Ledger deadlines short enough that a task whose worker or checker died moves on within a round. */
const LEDGER_TIMEOUT_MS = 6000
/** The shortest lease the protocol allows: a dead worker's task goes back to the queue soon. */
const LEASE_MS = 5000

/** Two workers, one checker and a devchain whose deadlines suit rounds of a few seconds. */
export function crashTestnet(init: Partial<TestnetInit> = {}): Testnet {
  return new Testnet({
    workers: 2,
    checkers: 1,
    blobs: 'p2p',
    logLevel: 'info',
    extraArgs: { creator: ['--lease-ms', String(LEASE_MS)], worker: ['--threads', '1'], checker: ['--threads', '1'] },
    devchainArgs: ['--commit-timeout-ms', String(LEDGER_TIMEOUT_MS), '--verdict-timeout-ms', String(LEDGER_TIMEOUT_MS)],
    ...init
  })
}

/** A round's job: a few frames at a tiny size, so a round takes seconds. */
export function crashJob(seed: number, frames: number): Record<string, unknown> {
  return { renderer: 'builtin', frameStart: 1, frameEnd: frames, framesPerTask: 1, width: 48, height: 27, samples: 4, seed, maxPrice: 1000 }
}

export interface CrashRoundInit {
  round: number
  target: CrashTarget
  random: () => number
  frames: number
  /** The kill falls at most this long after the job was acknowledged. */
  killWindowMs: number
  /** The victim stays down at most this long. */
  maxDownMs: number
  /** How long the round waits for its job to complete before the next round may start (it is audited later anyway). */
  settleMs: number
}

/** What a round did: the job it submitted and the kill it made. */
export interface CrashKill {
  round: number
  target: CrashTarget
  victim: string
  jobId: string
  frames: number
  killAtMs: number
  downMs: number
}

export interface CrashRoundResult extends CrashKill {
  status: string
  succeeded: number
  /** Frames downloaded from the creator and decoded. */
  framesIntact: number
  /** From creation to completion, by the creator's clock (undefined: not completed). */
  completedMs?: number
  /** The frames not accepted when the audit gave up, with their state: what a stall looks like. */
  unfinished: string[]
  settlement: string
  /** JobClosed events: 1 once the job settled. */
  closings: number
  escrow: string
  paidOut: string
  paidTwice: number[]
  /** Tasks with a WorkerPaid event (the rest were done off the ledger, their escrow refunded). */
  tasksPaid: number
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Until the node answers on its API again: its restart is complete. */
export async function waitUp(testnet: Testnet, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await testnet.status(testnet.node(name))) === undefined) {
    if (Date.now() > deadline) throw new Error(`${name} did not come back within ${timeoutMs} ms`)
    await pause(200)
  }
}

/** The worker rendering one of the job's frames right now, else a random one. */
async function pickWorker(testnet: Testnet, id: string, random: () => number): Promise<string> {
  const view = await jobView(testnet, id)
  const busy = view?.frames.find((f) => f.status === 'processing' && f.worker !== undefined)
  const peer = view?.workers.find((w) => w.publicKey === busy?.worker)?.peerId
  const node = testnet.nodes.find((n) => n.role === 'worker' && n.peerId === peer)
  const workers = testnet.nodes.filter((n) => n.role === 'worker')
  return node?.name ?? workers[randomInt(random, workers.length)]!.name
}

async function crash(testnet: Testnet, target: CrashTarget, jobId: string, init: CrashRoundInit, downMs: number): Promise<string> {
  if (target === 'devchain') {
    await testnet.killDevchain()
    await pause(downMs)
    await testnet.restartDevchain()
    return 'devchain'
  }
  const name = target === 'worker' ? await pickWorker(testnet, jobId, init.random) : target === 'checker' ? 'checker-1' : 'creator'
  await testnet.kill(name, 'SIGKILL')
  await pause(downMs)
  testnet.restart(name)
  return name
}

/** Submits a job and returns its id once the creator acknowledged it. */
export function submitCrashJob(testnet: Testnet, seed: number, frames: number): Promise<string> {
  return submitTestnetJob(testnet, crashJob(seed, frames))
}

/** One round: submit, kill at a random moment, restart, and give the job a moment to complete. */
export async function crashRound(testnet: Testnet, init: CrashRoundInit): Promise<CrashKill> {
  const jobId = await submitCrashJob(testnet, init.round + 1, init.frames)
  const killAtMs = Math.round(init.random() * init.killWindowMs)
  const downMs = Math.round(init.random() * init.maxDownMs)
  await pause(killAtMs)
  const victim = await crash(testnet, init.target, jobId, init, downMs)
  if (victim !== 'devchain') await waitUp(testnet, victim)
  await watchJob(testnet, jobId, Date.now() + init.settleMs, (v) => v.status !== 'active')
  return { round: init.round, target: init.target, victim, jobId, frames: init.frames, killAtMs, downMs }
}

/** Waits (until `deadline`) for the round's job to complete and settle, then checks its frames and its money. */
export async function auditCrashRound(testnet: Testnet, kill: CrashKill, deadline: number): Promise<CrashRoundResult> {
  const ended = await watchJob(testnet, kill.jobId, deadline, (v) => v.status !== 'active')
  const completedMs = ended?.completedMs === undefined ? undefined : ended.completedMs - ended.createdMs
  const settled = ended?.status === 'completed' ? await watchJob(testnet, kill.jobId, deadline, (v) => settlementLine(v)?.state !== 'pending') : ended
  const audit = await auditJob(await testnet.ledger(), kill.jobId)
  return {
    ...kill,
    status: settled?.status ?? 'unknown (creator not answering)',
    succeeded: settled?.counts.succeeded ?? 0,
    framesIntact: settled === undefined ? 0 : await intactFrames(testnet, settled),
    completedMs,
    unfinished: (settled?.frames ?? []).filter((f) => f.status !== 'succeeded').map((f) => `frame ${f.frame} ${f.status} after ${f.attempts} attempts`),
    settlement: (settled === undefined ? undefined : settlementLine(settled)?.line) ?? 'none',
    closings: audit.closings,
    escrow: String(audit.escrow),
    paidOut: String(audit.paidOut),
    paidTwice: audit.paidTwice,
    tasksPaid: audit.workerPaid.size
  }
}

/** Whether a round held the bar: the job completed with every frame intact, closed on the ledger, balanced, nothing paid twice. */
export function roundProblems(r: CrashRoundResult): string[] {
  const problems: string[] = []
  if (r.status !== 'completed') problems.push(`round ${r.round} (${r.victim} killed at ${r.killAtMs} ms): job ${r.status}; ${r.unfinished.join(', ')}`)
  if (r.framesIntact !== r.frames) problems.push(`round ${r.round} (${r.victim}): ${r.framesIntact} of ${r.frames} frames intact`)
  if (r.closings !== 1) problems.push(`round ${r.round} (${r.victim}): job closed ${r.closings} times on the ledger (${r.settlement})`)
  if (r.escrow !== r.paidOut) problems.push(`round ${r.round} (${r.victim}): payouts + refund ${r.paidOut} != escrow ${r.escrow}`)
  if (r.paidTwice.length > 0) problems.push(`round ${r.round} (${r.victim}): tasks ${r.paidTwice.join(', ')} paid twice`)
  return problems
}
