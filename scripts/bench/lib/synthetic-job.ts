// One job over a swarm of real pictor nodes in this process (1 creator, W
// workers of 1 slot, each with a synthetic renderer), for the scheduling and
// task-cpu benches. Everything but the renderer is real: gossip
// announcement, bids and admission, claim / commit RPCs, frames stored as
// blobs, the creator fetching and decoding every frame before a task counts
// (its IntegrityVerifier, named explicitly: sampled re-renders by checkers
// are not measured here, and no checker runs).
//
// Returned: the job's timing, the probes (render spans, task RPC spans,
// verifications), process CPU over the run and at each accepted
// verification, and the CPU the synthetic renderers spent themselves. A run
// that would outlast its cap is stopped there (`completed: false`), the job
// cancelled and drained, so stopping the nodes interrupts no write.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { NodeContext, PictorNode } from '../../../node/node.ts'
import { CreatorService, IntegrityVerifier, type JobRecord } from '../../../node/roles/creator/index.ts'
import { createWorkerServices, libp2pTaskRpc } from '../../../node/roles/worker/index.ts'
import { validateJobSpec } from '../../../protocol/index.ts'
import { seededRandom } from '../../../testnet/seeded-random.ts'
import { sleep } from './hosts.ts'
import { progress } from './report.ts'
import { type SwarmNodeSpec, startPictorSwarm } from './swarm.ts'
import { SyntheticFrames, syntheticRenderer } from './synthetic-renderer.ts'
import { timedRpc, timedVerifier, type VerifyProbe, type WorkerProbe } from './task-probes.ts'

const SCENE = join(import.meta.dirname, '..', '..', '..', 'testnet', 'scenes', 'tiny.json')

export interface SyntheticJobInit {
  bench: string
  workers: number
  frameMs: number
  frames: number
  framesPerTask: number
  /** Frames are size x size pixels. */
  size: number
  seed: number
  /** Stop the run after this long from submission... */
  capMs: number
  /** ...unless fewer tasks than this are verified by then: then go on until they are, or until maxMs. */
  minVerified?: number
  maxMs?: number
  /** Before submitting, let the swarm's start-up gossip pass for this long (then the idle measurement, if any). */
  settleMs?: number
  /** Before submitting, measure the idle swarm's CPU for this long (0: not measured). */
  idleMs?: number
  /** Where the nodes' data folders go (default: the system temp folder). */
  parentDir?: string
  /** Renderers write their frames from the thread pool (untimed), as a renderer process would: see SyntheticFrames. */
  rendererWritesOffLoop?: boolean
}

/** Process CPU when the n-th result was accepted. */
export interface CpuSample {
  atMs: number
  accepted: number
  cpuMs: number
  rendererCpuMs: number
}

export interface SyntheticJobRun {
  workers: number
  tasks: number
  completed: boolean
  verifiedTasks: number
  /** Submit -> completed (the creator's own times), or submit -> cut. */
  elapsedMs: number
  job: JobRecord
  probes: WorkerProbe[]
  verify: VerifyProbe
  /** performance.now() at submission, the origin of every probe's times. */
  submitMs: number
  /** Process CPU (user + system) over submit -> end, and what the synthetic renderers spent of it. */
  cpuMs: number
  rendererCpuMs: number
  cpuSamples: CpuSample[]
  eventLoopUtilization: number
  /** Busy cores of the idle swarm before submission; null when not measured. */
  idleCpuCores: number | null
  nodesStartMs: number
  meshMs: number
  meshFormed: boolean
}

const cpuNowMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

async function waitForJob(bench: string, creator: CreatorService, id: string, init: SyntheticJobInit): Promise<boolean> {
  const started = performance.now()
  let nextReport = started + 10_000
  for (;;) {
    const job = creator.job(id)
    if (job?.status === 'completed') return true
    const ms = performance.now() - started
    if (ms > (init.maxMs ?? init.capMs)) return false
    if (ms > init.capMs && (job?.tasks.filter((t) => t.status === 'verified').length ?? 0) >= (init.minVerified ?? 0)) return false
    if (performance.now() > nextReport && job !== undefined) {
      nextReport += 10_000
      const counts: Record<string, number> = {}
      for (const t of job.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1
      progress(bench, `  tasks by status: ${JSON.stringify(counts)}`)
    }
    // Coarse on purpose: this loop's own CPU is in the figures (the creator's times give the makespan).
    await sleep(20)
  }
}

/** Running tasks, from the worker's own API (GET /api/worker/tasks); one that does not answer counts as busy. */
async function runningTasks(node: PictorNode): Promise<number> {
  const ctx = node.context
  try {
    const res = await fetch(`${ctx.api.url}/api/worker/tasks`, { headers: { authorization: `Bearer ${ctx.dataDir.token}` }, signal: AbortSignal.timeout(5_000) })
    return ((await res.json()) as { current: unknown[] }).current.length
  } catch {
    return 1
  }
}

/**
 * After a cut run: cancel the job, then wait until no worker runs a task and
 * the creator verifies nothing, so stopping the nodes interrupts no write.
 */
async function drain(bench: string, creator: CreatorService, id: string, workers: readonly PictorNode[], verify: VerifyProbe): Promise<void> {
  await creator.cancel(id)
  const deadline = performance.now() + 15_000
  while (performance.now() < deadline) {
    const busy = (await Promise.all(workers.map(runningTasks))).reduce((a, b) => a + b, 0)
    if (busy === 0 && verify.inFlight === 0) return
    await sleep(200)
  }
  progress(bench, '  drain timed out; stopping anyway')
}

export async function runSyntheticJob(init: SyntheticJobInit): Promise<SyntheticJobRun> {
  const { bench, workers } = init
  const scene = await readFile(SCENE)
  let creator: CreatorService | undefined
  const verify: VerifyProbe = { spans: [], inFlight: 0 }
  const probes: WorkerProbe[] = []
  const frames = new SyntheticFrames({ offLoop: init.rendererWritesOffLoop })
  frames.prime(init.size, init.size, init.seed, Array.from({ length: init.frames }, (_, i) => i + 1))
  const specs: SwarmNodeSpec[] = [
    {
      role: 'creator',
      services: (ctx: NodeContext) => {
        creator = new CreatorService(ctx, { leaseMs: ctx.config.leaseMs, verifier: timedVerifier(new IntegrityVerifier(ctx.blobs), verify) })
        return [creator]
      }
    }
  ]
  for (let i = 0; i < workers; i++) {
    const probe: WorkerProbe = { rpcs: [], renders: [] }
    probes.push(probe)
    specs.push({
      role: 'worker',
      services: (ctx: NodeContext) => {
        const renderer = syntheticRenderer({ frameMs: init.frameMs, frames })
        probe.renders = renderer.spans
        return createWorkerServices(ctx, { renderer, rpc: timedRpc(libp2pTaskRpc(ctx.libp2p), probe.rpcs) })
      }
    })
  }
  const swarm = await startPictorSwarm(specs, { random: seededRandom(init.seed), meshTimeoutMs: 5_000, parentDir: init.parentDir })
  try {
    progress(bench, `W=${workers}: ${swarm.nodes.length} nodes up in ${swarm.startMs} ms, gossip mesh ${swarm.meshFormed ? 'formed' : 'NOT formed'} after ${swarm.meshMs} ms`)
    let idleCpuCores: number | null = null
    await sleep(init.settleMs ?? 0)
    if ((init.idleMs ?? 0) > 0) {
      const [cpu0, t0] = [cpuNowMs(), performance.now()]
      await sleep(init.idleMs ?? 0)
      idleCpuCores = (cpuNowMs() - cpu0) / (performance.now() - t0)
    }
    const ctx = swarm.nodes[0]!.context
    const blob = await ctx.blobs.put(scene)
    const spec = validateJobSpec({
      renderer: 'builtin',
      sceneBlob: blob.id,
      sceneSize: blob.size,
      frameStart: 1,
      frameEnd: init.frames,
      framesPerTask: init.framesPerTask,
      width: init.size,
      height: init.size,
      samples: 1,
      seed: init.seed,
      maxPrice: 1000
    })
    const cpuSamples: CpuSample[] = []
    verify.onVerified = (accepted) => {
      if (accepted) cpuSamples.push({ atMs: performance.now(), accepted: cpuSamples.length + 1, cpuMs: cpuNowMs(), rendererCpuMs: frames.cpuMs })
    }
    const [cpu0, renderCpu0] = [cpuNowMs(), frames.cpuMs]
    const elu0 = performance.eventLoopUtilization()
    const submitMs = performance.now()
    const submitted = await creator!.submit(spec)
    const completed = await waitForJob(bench, creator!, submitted.id, init)
    const job = creator!.job(submitted.id)!
    const elapsedMs = completed ? job.completedMs! - job.createdMs : Math.round(performance.now() - submitMs)
    const [cpuMs, rendererCpuMs] = [cpuNowMs() - cpu0, frames.cpuMs - renderCpu0]
    const elu = performance.eventLoopUtilization(elu0)
    const verifiedTasks = job.tasks.filter((t) => t.status === 'verified').length
    verify.onVerified = undefined
    if (!completed) await drain(bench, creator!, submitted.id, swarm.nodes.slice(1), verify)
    for (const s of cpuSamples) {
      s.atMs -= submitMs
      s.cpuMs -= cpu0
      s.rendererCpuMs -= renderCpu0
    }
    return {
      workers,
      tasks: job.tasks.length,
      completed,
      verifiedTasks,
      elapsedMs,
      job,
      probes,
      verify,
      submitMs,
      cpuMs,
      rendererCpuMs,
      cpuSamples,
      eventLoopUtilization: elu.utilization,
      idleCpuCores,
      nodesStartMs: swarm.startMs,
      meshMs: swarm.meshMs,
      meshFormed: swarm.meshFormed
    }
  } finally {
    await swarm.stop()
  }
}
