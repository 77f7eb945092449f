// Timestamps around the real task pipeline, for the scheduling bench: the
// worker's task RPCs and the creator's verifier are wrapped (both are
// injection seams of the roles), nothing inside them is changed.
import { decode, REPLY_CODES, type ReplyCodeName, typeNameOf } from '../../../protocol/index.ts'
import type { Verifier } from '../../../node/roles/creator/index.ts'
import type { TaskRpc } from '../../../node/roles/worker/index.ts'
import { round, summarise } from './stats.ts'
import type { RenderSpan } from './synthetic-renderer.ts'

const CODE_NAMES = new Map<number, ReplyCodeName>(Object.entries(REPLY_CODES).map(([name, code]) => [code, name as ReplyCodeName]))

export interface RpcSpan {
  /** The request envelope's type: TaskClaim, LeaseRenewal, ResultCommitment. */
  type: string
  startMs: number
  endMs: number
  code: ReplyCodeName | 'error'
}

export interface WorkerProbe {
  rpcs: RpcSpan[]
  renders: RenderSpan[]
}

export interface VerifyProbe {
  spans: { startMs: number; endMs: number; accepted: boolean }[]
  inFlight: number
}

/** The real task RPC, timed (performance.now()); the request type and reply code are recorded. */
export function timedRpc(inner: TaskRpc, log: RpcSpan[]): TaskRpc {
  return async (peer, request) => {
    const type = typeNameOf(decode('Envelope', request).type) ?? 'unknown'
    const startMs = performance.now()
    try {
      const reply = await inner(peer, request)
      log.push({ type, startMs, endMs: performance.now(), code: CODE_NAMES.get(decode('TaskReply', reply).code) ?? 'error' })
      return reply
    } catch (err) {
      log.push({ type, startMs, endMs: performance.now(), code: 'error' })
      throw err
    }
  }
}

export function timedVerifier(inner: Verifier, probe: VerifyProbe): Verifier {
  return {
    // Arguments passed through as they are: the seam's signature may grow.
    async verify(...args: Parameters<Verifier['verify']>) {
      const startMs = performance.now()
      probe.inFlight++
      try {
        const verdict = await inner.verify(...args)
        probe.spans.push({ startMs, endMs: performance.now(), accepted: verdict.accepted })
        return verdict
      } finally {
        probe.inFlight--
      }
    }
  }
}

const median = (xs: number[]) => (xs.length === 0 ? null : round(summarise(xs).median, 1))

/**
 * One worker with one slot: its spans follow each other strictly, so each ok
 * claim opens a cycle: claim RPC; lease -> render (scene, task folder);
 * render; render -> commit (decode + store each frame as a blob); commit RPC;
 * commit reply -> next claim (lease keeper, cleanup, claim loop). Medians,
 * in ms; `nominalRenderMs` is what the renderer was asked to take per task.
 */
export function cycleBreakdown(probe: WorkerProbe, verify: VerifyProbe, nominalRenderMs: number) {
  const claims = probe.rpcs.filter((r) => r.type === 'TaskClaim')
  const okClaims = claims.filter((r) => r.code === 'ok')
  const commits = probe.rpcs.filter((r) => r.type === 'ResultCommitment')
  const parts = { claimRpc: [] as number[], leaseToRender: [] as number[], renderOverrun: [] as number[], renderToCommit: [] as number[], commitRpc: [] as number[], commitToNextClaim: [] as number[], cycle: [] as number[] }
  for (const [i, claim] of okClaims.entries()) {
    const render = probe.renders[i]
    const commit = commits[i]
    if (render === undefined || commit === undefined) break
    parts.claimRpc.push(claim.endMs - claim.startMs)
    parts.leaseToRender.push(render.startMs - claim.endMs)
    parts.renderOverrun.push(render.endMs - render.startMs - nominalRenderMs)
    parts.renderToCommit.push(commit.startMs - render.endMs)
    parts.commitRpc.push(commit.endMs - commit.startMs)
    const next = claims.find((c) => c.startMs > commit.endMs)
    if (next?.code === 'ok') {
      parts.commitToNextClaim.push(next.startMs - commit.endMs)
      parts.cycle.push(next.startMs - claim.startMs)
    }
  }
  return {
    claimRpcMs: median(parts.claimRpc),
    leaseToRenderMs: median(parts.leaseToRender),
    renderOverrunMs: median(parts.renderOverrun),
    renderToCommitMs: median(parts.renderToCommit),
    commitRpcMs: median(parts.commitRpc),
    commitToNextClaimMs: median(parts.commitToNextClaim),
    cycleMs: median(parts.cycle),
    cycleMeanMs: parts.cycle.length === 0 ? null : round(summarise(parts.cycle).mean, 1),
    /** Fetch + decode of the task's frames; runs beside the worker's next task, so it adds to the makespan only at the tail. */
    creatorVerifyMs: median(verify.spans.map((v) => v.endMs - v.startMs))
  }
}
