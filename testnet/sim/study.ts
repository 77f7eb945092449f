// What a simulation run measures. The world's ground truth (which tasks a
// cheater faked, when each worker rendered) is recorded beside what the
// roles decided (settlements) and what the chain paid, and the result line
// compares them: jobs and frames done, makespan against the ideal one,
// utilisation and earnings per worker, price paid against the cap, cheats
// caught and missed, honest work rejected, traffic per task, and how fast
// the simulation ran.
import type { CommittedResult } from '../../node/roles/creator/committed-result.ts'
import type { JobRecord } from '../../node/roles/creator/job-record.ts'
import type { ResultOutcome } from '../../node/roles/creator/verifier.ts'
import { detectionProbability, frameCost, toHex } from '../../protocol/index.ts'
import { frameSeconds, type ProducedTask } from './render-model.ts'
import type { Scenario } from './scenario.ts'
import type { RunReport } from './virtual-clock.ts'
import type { SimNode, World } from './world.ts'

/** Buckets of the utilisation and completion curves. */
export const CURVE_POINTS = 60

interface WorkerRecord {
  node: SimNode
  benchScore: number
  price: number
  cheater: boolean
  busyMs: number
  renders: { startMs: number; endMs: number }[]
  /** Online intervals; an open one has no end yet. */
  online: { fromMs: number; toMs?: number }[]
}

export interface ResultLine {
  scenario: string
  seed: number
  nodes: { creators: number; workers: number; checkers: number; workersJoined: number }
  jobs: { submitted: number; completed: number }
  frames: { total: number; verified: number }
  makespanS: number | null
  idealMakespanS: number | null
  makespanOverIdeal: number | null
  utilisation: { mean: number; p10: number; p50: number; p90: number }
  earnings: { workersPaid: number; min: number; p50: number; max: number; gini: number }
  pricePaidOverCap: number | null
  /**
   * Faked tasks (ground truth) by their checks: caught, or missed (accepted);
   * kept: missed and still accepted at the end (a worker caught later on a
   * job has its accepted tasks there revoked and rendered again).
   */
  cheats: { tasks: number; caught: number; missed: number; kept: number; detectionRate: number | null }
  /**
   * Honest checks of cheaters' tasks, faked frames or not: how many were
   * rejected, and how many docs/verification.md's 1 - (1 - f)^k expects
   * from each check's sample size k and the cheaters' fake rate f.
   */
  sampling: { checks: number; rejected: number; expected: number }
  honestRejected: number
  perTask: { messages: number; bytes: number; chainTx: number; gossipByTopic: Record<string, number> }
  simulatedS: number
  wallS: number
  simulatedSPerWallS: number
  events: number
}

export interface Curves {
  tS: number[]
  utilisation: number[]
  framesVerified: number[]
}

export class Study {
  line?: ResultLine
  curves?: Curves
  private readonly scenario: Scenario
  private readonly world: World
  private readonly workers = new Map<string, WorkerRecord>()
  private readonly others: SimNode[] = []
  private readonly truth = new Map<string, number>()
  /** `idealMs`: the job alone on the workers online at its submission; `busyMs`: the same work spread over all of them (for jobs that overlap). */
  private readonly jobs = new Map<string, { submittedMs: number; completedMs?: number; frames: number; idealMs: number; busyMs: number; capPerFrame: bigint }>()
  /** When each frame was first verified, by job and frame. */
  private readonly verifiedAt = new Map<string, number>()
  private startMs = 0
  private cheatTasks = 0
  private caught = 0
  private missed = 0
  /** Faked results accepted and not revoked since, by job/task: their worker. */
  private readonly keptFaked = new Map<string, string>()
  private honestRejected = 0
  private tasksSettled = 0
  private readonly sampling = { checks: 0, rejected: 0, expected: 0 }
  private readonly cheaterKeys = new Set<string>()

  constructor(scenario: Scenario, world: World) {
    this.scenario = scenario
    this.world = world
  }

  worker(node: SimNode, benchScore: number, price: number, cheater: boolean): void {
    this.workers.set(node.id, { node, benchScore, price, cheater, busyMs: 0, renders: [], online: [] })
    if (cheater) this.cheaterKeys.add(toHex(node.publicKey))
  }

  benchOf(node: SimNode): number {
    return this.workers.get(node.id)?.benchScore ?? 0
  }

  otherNodes(): SimNode[] {
    return this.others
  }

  online(node: SimNode, on: boolean): void {
    const w = this.workers.get(node.id)!
    const now = this.world.clock.now()
    if (on) w.online.push({ fromMs: now })
    else {
      const open = w.online[w.online.length - 1]
      if (open !== undefined && open.toMs === undefined) open.toMs = now
    }
  }

  begin(): void {
    this.startMs = this.world.clock.now()
  }

  produced(node: SimNode, task: ProducedTask, startedMs: number): void {
    const w = this.workers.get(node.id)!
    w.busyMs += task.renderMs
    w.renders.push({ startMs: startedMs, endMs: startedMs + task.renderMs })
    this.truth.set(`${task.jobId}/${task.taskIndex}/${node.id}`, task.faked)
  }

  submitted(job: JobRecord, benchScores: number[]): void {
    const frames = job.spec.frameEnd - job.spec.frameStart + 1
    // All online workers rendering from the start, each frame where it is cheapest: frames / (sum of frames per second), and never less than one task on the fastest.
    const perSecond = benchScores.reduce((sum, score) => sum + 1 / frameSeconds(job.spec, score), 0)
    const fastest = Math.max(...benchScores)
    const busyMs = (1000 * frames) / perSecond
    const idealMs = Math.max(busyMs, 1000 * Math.min(job.spec.framesPerTask, frames) * frameSeconds(job.spec, fastest))
    this.jobs.set(job.id, { submittedMs: this.world.clock.now(), frames, idealMs, busyMs, capPerFrame: frameCost(job.spec.maxPrice, job.spec.width, job.spec.height, job.spec.samples) })
  }

  settled(result: CommittedResult, outcome: ResultOutcome, settlement: string): void {
    this.tasksSettled++
    const faked = this.truth.get(`${result.jobId}/${result.taskIndex}/${result.workerPeer.toString()}`) ?? 0
    const unavailable = !outcome.accepted && outcome.unavailable === true
    if (faked > 0 && !unavailable) {
      this.cheatTasks++
      if (outcome.accepted) {
        this.missed++
        this.keptFaked.set(`${result.jobId}/${result.taskIndex}`, result.worker)
      } else this.caught++
    } else if (faked === 0 && !outcome.accepted && !unavailable) this.honestRejected++
    // A ban revokes the worker's accepted tasks on that job (scheduler.ts banWorker).
    if (settlement === 'banned') {
      for (const [task, worker] of this.keptFaked) if (worker === result.worker && task.startsWith(`${result.jobId}/`)) this.keptFaked.delete(task)
    }
    // A result of a worker excluded meanwhile is verified on chain but not taken: its frames do not count.
    if (settlement === 'accepted' || settlement === 'completed') for (const f of result.frames) if (!this.verifiedAt.has(`${result.jobId}/${f.frame}`)) this.verifiedAt.set(`${result.jobId}/${f.frame}`, this.world.clock.now())
  }

  checked(check: { worker: string; sampled: number; accepted: boolean }): void {
    if (!this.cheaterKeys.has(check.worker)) return
    this.sampling.checks++
    if (!check.accepted) this.sampling.rejected++
    this.sampling.expected += detectionProbability(this.scenario.cheaters.fakeRate, check.sampled)
  }

  completed(jobId: string): void {
    const j = this.jobs.get(jobId)
    if (j !== undefined) j.completedMs = this.world.clock.now()
  }

  get framesVerified(): number {
    return this.verifiedAt.size
  }

  allDone(): boolean {
    return this.jobs.size === this.scenario.jobs.length && [...this.jobs.values()].every((j) => j.completedMs !== undefined)
  }

  finish(run: RunReport): void {
    const end = Math.max(this.startMs + 1, ...[...this.jobs.values()].map((j) => j.completedMs ?? run.nowMs))
    const first = Math.min(end - 1, ...[...this.jobs.values()].map((j) => j.submittedMs))
    const done = [...this.jobs.values()].filter((j) => j.completedMs !== undefined)
    const makespanMs = done.length === 0 ? null : Math.max(...done.map((j) => j.completedMs!)) - Math.min(...done.map((j) => j.submittedMs))
    // The ideal schedule from the first submission: each job no sooner than alone, and all of them no sooner than their work back to back.
    const startMs = Math.min(...done.map((j) => j.submittedMs))
    const idealMs = done.length === 0 ? null : Math.max(...done.map((j) => j.submittedMs - startMs + j.idealMs), done.reduce((sum, j) => sum + j.busyMs, 0))
    const utilisations = [...this.workers.values()].map((w) => busyShare(w, first, end)).filter((u) => u !== undefined)
    const paid = this.payments()
    const earnings = [...this.workers.values()].map((w) => Number(paid.byWorker.get(w.node.address) ?? 0n))
    const net = this.world.net.stats
    const tasks = Math.max(1, this.tasksSettled)
    const simulatedS = (run.nowMs - this.startMs) / 1000
    this.line = {
      scenario: this.scenario.name,
      seed: this.scenario.seed,
      nodes: { ...this.scenario.nodes, workersJoined: this.workers.size - this.scenario.nodes.workers },
      jobs: { submitted: this.jobs.size, completed: done.length },
      frames: { total: [...this.jobs.values()].reduce((n, j) => n + j.frames, 0), verified: this.verifiedAt.size },
      makespanS: makespanMs === null ? null : round(makespanMs / 1000),
      idealMakespanS: idealMs === null ? null : round(idealMs / 1000),
      makespanOverIdeal: makespanMs === null || idealMs === null ? null : round(makespanMs / idealMs),
      utilisation: { mean: round(mean(utilisations)), p10: round(quantile(utilisations, 0.1)), p50: round(quantile(utilisations, 0.5)), p90: round(quantile(utilisations, 0.9)) },
      earnings: { workersPaid: earnings.filter((e) => e > 0).length, min: Math.min(...earnings), p50: quantile(earnings, 0.5), max: Math.max(...earnings), gini: round(gini(earnings)) },
      pricePaidOverCap: paid.capOfPaid === 0n ? null : round(Number(paid.total) / Number(paid.capOfPaid)),
      cheats: { tasks: this.cheatTasks, caught: this.caught, missed: this.missed, kept: this.keptFaked.size, detectionRate: this.cheatTasks === 0 ? null : round(this.caught / this.cheatTasks) },
      sampling: { ...this.sampling, expected: round(this.sampling.expected) },
      honestRejected: this.honestRejected,
      perTask: {
        messages: round(net.messages / tasks),
        bytes: Math.round(net.bytes / tasks),
        chainTx: round(this.world.chain.transactions / tasks),
        gossipByTopic: Object.fromEntries(Object.entries(this.world.gossip.stats.sentByTopic).map(([topic, n]) => [topic, round(n / tasks)]))
      },
      simulatedS: round(simulatedS),
      wallS: round(run.wallMs / 1000),
      simulatedSPerWallS: round(simulatedS / Math.max(run.wallMs / 1000, 1e-3)),
      events: run.events
    }
    this.curves = this.curvesOver(first, end)
  }

  /** What the chain paid workers (WorkerPaid events), and what the same frames would have cost at the jobs' caps. */
  private payments(): { total: bigint; capOfPaid: bigint; byWorker: Map<string, bigint> } {
    const byWorker = new Map<string, bigint>()
    let total = 0n
    let capOfPaid = 0n
    const state = this.world.chain.snapshot()
    for (const [key, task] of state.tasks) {
      if (task.state !== 'verified') continue
      const job = this.jobs.get(key.slice(0, key.indexOf(':')))
      const amount = BigInt(task.frames) * task.frameCost
      total += amount
      capOfPaid += BigInt(task.frames) * (job?.capPerFrame ?? 0n)
      byWorker.set(task.worker, (byWorker.get(task.worker) ?? 0n) + amount)
    }
    return { total, capOfPaid, byWorker }
  }

  private curvesOver(first: number, end: number): Curves {
    const step = (end - first) / CURVE_POINTS
    const curves: Curves = { tS: [], utilisation: [], framesVerified: [] }
    const verified = [...this.verifiedAt.values()].sort((a, b) => a - b)
    let v = 0
    for (let i = 1; i <= CURVE_POINTS; i++) {
      const from = first + (i - 1) * step
      const to = first + i * step
      let busy = 0
      let online = 0
      for (const w of this.workers.values()) {
        online += overlap(w.online.map((o) => ({ startMs: o.fromMs, endMs: o.toMs ?? end })), from, to)
        busy += overlap(w.renders, from, to)
      }
      while (v < verified.length && verified[v]! <= to) v++
      curves.tS.push(round((to - first) / 1000))
      curves.utilisation.push(online === 0 ? 0 : round(busy / online))
      curves.framesVerified.push(v)
    }
    return curves
  }
}

function overlap(spans: readonly { startMs: number; endMs: number }[], from: number, to: number): number {
  let ms = 0
  for (const s of spans) ms += Math.max(0, Math.min(s.endMs, to) - Math.max(s.startMs, from))
  return ms
}

/** Rendering time over online time within the study window; undefined for a worker never online in it. */
function busyShare(w: WorkerRecord, from: number, to: number): number | undefined {
  const online = overlap(w.online.map((o) => ({ startMs: o.fromMs, endMs: o.toMs ?? to })), from, to)
  return online === 0 ? undefined : Math.min(1, overlap(w.renders, from, to) / online)
}

const round = (x: number) => Math.round(x * 1000) / 1000
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** 0: everyone earned the same; towards 1: one worker earned everything. */
function gini(xs: number[]): number {
  const total = xs.reduce((a, b) => a + b, 0)
  if (xs.length === 0 || total === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  const weighted = sorted.reduce((sum, x, i) => sum + (i + 1) * x, 0)
  return (2 * weighted) / (sorted.length * total) - (sorted.length + 1) / sorted.length
}
