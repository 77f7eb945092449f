// Timestamps around the real task pipeline, for the scheduling and task-cpu
// benches: the worker's task RPCs and the creator's verifier are wrapped
// (both are injection seams of the roles), nothing inside them is changed.
// The renderer's own spans come from lib/synthetic-renderer.ts.
//
// The per-task overhead on a worker is read off its render spans alone, so
// it holds for a serial worker and a pipelined one alike: on each slot, the
// gap between one render's end and the next render's start is the time that
// slot did not render. Where that time went is read from the RPC spans that
// overlap the gap.
import { decode, REPLY_CODES, type ReplyCodeName, typeNameOf } from '../../../protocol/index.ts'
import type { Verifier } from '../../../node/roles/creator/index.ts'
import type { TaskRpc } from '../../../node/roles/worker/index.ts'
import { percentile, round, summarise } from './stats.ts'
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
  /** Called as each verification ends (a bench samples process CPU there). */
  onVerified?: (accepted: boolean) => void
}

export interface Span {
  startMs: number
  endMs: number
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
        probe.onVerified?.(verdict.accepted)
        return verdict
      } finally {
        probe.inFlight--
      }
    }
  }
}

/**
 * The idle gaps of a worker's slots: its render spans are dealt to slots in
 * start order (each to the free slot that finished last, a new slot when
 * none is free), and each gap is the next span's start minus the previous
 * span's end on the same slot. A 1-slot worker's gaps are simply those
 * between consecutive renders.
 */
export function slotGaps(renders: readonly Span[]): Span[] {
  const slotEnds: number[] = []
  const gaps: Span[] = []
  for (const span of [...renders].sort((a, b) => a.startMs - b.startMs)) {
    let best = -1
    for (const [i, end] of slotEnds.entries()) if (end <= span.startMs && (best < 0 || end > (slotEnds[best] as number))) best = i
    if (best < 0) slotEnds.push(span.endMs)
    else {
      gaps.push({ startMs: slotEnds[best] as number, endMs: span.startMs })
      slotEnds[best] = span.endMs
    }
  }
  return gaps
}

/** How long `span` overlaps any of `spans` (overlaps among `spans` counted once). */
export function overlapMs(span: Span, spans: readonly Span[]): number {
  const clipped = spans
    .map((s) => ({ startMs: Math.max(s.startMs, span.startMs), endMs: Math.min(s.endMs, span.endMs) }))
    .filter((s) => s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs)
  let total = 0
  let reach = span.startMs
  for (const s of clipped) {
    if (s.endMs <= reach) continue
    total += s.endMs - Math.max(s.startMs, reach)
    reach = s.endMs
  }
  return total
}

const median = (xs: readonly number[]) => (xs.length === 0 ? null : round(summarise(xs).median, 1))
const mean = (xs: readonly number[]) => (xs.length === 0 ? null : round(summarise(xs).mean, 1))

/**
 * Per-task overhead of the workers (ms): each slot's gaps between renders,
 * over all workers, and, as means (they add up to the mean gap), how much of
 * a gap a claim RPC, a commitment RPC or a renewal covered; `otherMs` is
 * the rest (the worker's own work between the two: decode, hash and store
 * of frames, lease keeping, the claim loop).
 */
export function workerOverhead(probes: readonly WorkerProbe[]) {
  const gaps: number[] = []
  const parts = { claim: [] as number[], commit: [] as number[], renewal: [] as number[], other: [] as number[] }
  const ofType = (probe: WorkerProbe, type: string) => probe.rpcs.filter((r) => r.type === type)
  for (const probe of probes) {
    const claims = ofType(probe, 'TaskClaim')
    const commits = ofType(probe, 'ResultCommitment')
    const renewals = ofType(probe, 'LeaseRenewal')
    for (const gap of slotGaps(probe.renders)) {
      const length = gap.endMs - gap.startMs
      const claim = overlapMs(gap, claims)
      const commit = overlapMs(gap, commits)
      const renewal = overlapMs(gap, renewals)
      gaps.push(length)
      parts.claim.push(claim)
      parts.commit.push(commit)
      parts.renewal.push(renewal)
      // RPCs that overlap each other are not counted twice.
      parts.other.push(length - overlapMs(gap, [...claims, ...commits, ...renewals]))
    }
  }
  const s = summarise(gaps)
  return {
    gaps: gaps.length,
    medianMs: median(gaps),
    p90Ms: gaps.length === 0 ? null : round(percentile([...gaps].sort((a, b) => a - b), 90), 1),
    meanMs: gaps.length === 0 ? null : round(s.mean, 1),
    meanInGap: { claimRpcMs: mean(parts.claim), commitRpcMs: mean(parts.commit), renewalRpcMs: mean(parts.renewal), otherMs: mean(parts.other) }
  }
}

/**
 * Latencies around one worker's tasks (medians, ms): the task RPCs, render
 * end -> that task's commitment sent (decode, hash and store of its frames),
 * and the creator's verification of a result (fetch + decode of its frames,
 * beside the worker's next task).
 */
export function taskLatencies(probes: readonly WorkerProbe[], verify: VerifyProbe, nominalRenderMs: number) {
  const rpcs = probes.flatMap((p) => p.rpcs)
  const ok = (type: string) => rpcs.filter((r) => r.type === type && r.code === 'ok').map((r) => r.endMs - r.startMs)
  const renderToCommit: number[] = []
  const overrun: number[] = []
  for (const probe of probes) {
    const commits = probe.rpcs.filter((r) => r.type === 'ResultCommitment').sort((a, b) => a.startMs - b.startMs)
    for (const render of probe.renders) {
      overrun.push(render.endMs - render.startMs - nominalRenderMs)
      const commit = commits.find((c) => c.startMs >= render.endMs)
      if (commit !== undefined) renderToCommit.push(commit.startMs - render.endMs)
    }
  }
  return {
    claimRpcMs: median(ok('TaskClaim')),
    commitRpcMs: median(ok('ResultCommitment')),
    renderToCommitMs: median(renderToCommit),
    /** How much longer a render took than it was asked to (timer lateness, a busy event loop). */
    renderOverrunMs: median(overrun),
    creatorVerifyMs: median(verify.spans.map((v) => v.endMs - v.startMs))
  }
}
