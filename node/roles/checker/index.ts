// The checker role's public surface. createCheckerServices builds the
// checker from a NodeContext and serves /pictor/check/1.0.0; the renderers,
// blob fetching and options can be injected (tests pass fakes).
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { CHECK_PROTOCOL, CheckReply, decode, LIMITS, ReplayGuard, toHex, VERIFICATION } from '../../../protocol/index.ts'
import { JOB_BLOB_ANNOUNCE } from '../../blobs/provider-announcements.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { checkPeerKeys } from '../../net/check-peers.ts'
import { serveRpc } from '../../net/rpc.ts'
import type { NodeContext, NodeService } from '../../node.ts'
import { createBlenderRenderer } from '../../renderers/blender/index.ts'
import { createBuiltinRenderer } from '../../renderers/builtin/index.ts'
import type { Renderer } from '../../renderers/types.ts'
import type { FrameFetcher } from './check-task.ts'
import { type CheckerOptions, CheckerService, DEFAULT_CHECKER_OPTIONS } from './checker-service.ts'

export { type CheckOutcome, type CheckTaskDeps, checkTask, DEFAULT_MAX_ESCALATIONS, type FrameFetcher } from './check-task.ts'
export { type CheckerComponents, type CheckerOptions, CheckerService, DEFAULT_CHECKER_OPTIONS, MAX_ADMITTING, truncateUtf8 } from './checker-service.ts'
export { CheckerError, type CheckerErrorCode, type CheckRefusalCode, CheckRefusedError } from './errors.ts'

export interface CheckerDeps extends Partial<CheckerOptions> {
  /** Renderers by name. Default: the built-in renderer with `config.threads` threads, closed on stop. Given ones are the caller's to close. */
  renderers?: Partial<Record<string, Renderer>>
  /** Default: ctx.blobs, asking the creator and the worker first. */
  fetcher?: (peers: PeerId[]) => FrameFetcher
}

/** The RPC's own deadline: a check may fetch and render for minutes before it answers. */
const rpcTimeoutMs = (checkTimeoutMs: number) => checkTimeoutMs + 30_000
/** The request itself (one envelope, <= maxEnvelopeBytes) must arrive within this; only the check gets the long deadline. */
export const CHECK_REQUEST_READ_TIMEOUT_MS = 10_000

export function createCheckerServices(ctx: NodeContext, deps: CheckerDeps = {}): NodeService[] {
  const logger = ctx.logger.child('checker')
  const ownsRenderer = deps.renderers === undefined
  const threads = ctx.config.threads > 0 ? ctx.config.threads : undefined
  // Blender is found lazily: without it, Blender jobs are answered `unavailable`, never rejected.
  const renderers: Partial<Record<string, Renderer>> = deps.renderers ?? {
    builtin: createBuiltinRenderer({ threads, logger: ctx.logger.child('renderer') }),
    blender: createBlenderRenderer({ threads, logger: ctx.logger.child('blender'), cacheDir: ctx.dataDir.paths.work })
  }
  const { renderers: _r, fetcher: _f, ...options } = deps
  const checker = new CheckerService(
    {
      identity: ctx.identity,
      ed: nodeEd25519,
      replay: new ReplayGuard(),
      fetcher:
        deps.fetcher ??
        ((peers) => ({
          // Announced as a worker announces a scene: a checker's copies matter only when their source is overwhelmed.
          fetch: (id, signal, remote, maxBytes) => ctx.blobs.fetchToPath(id, { peers, signal, remote, maxBytes, ...JOB_BLOB_ANNOUNCE })
        })),
      peerIdOf: (publicKey) => peerIdFromPublicKey(publicKeyFromRaw(publicKey)),
      rendererFor: (name) => renderers[name],
      workDir: join(ctx.dataDir.paths.work, 'checker'),
      now: ctx.now,
      logger,
      ledger: ctx.ledger,
      knownCheckers: () => checkPeerKeys(ctx.libp2p)
    },
    { price: ctx.config.price, trustedCreators: ctx.config.checkFor, ...options }
  )
  const checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECKER_OPTIONS.checkTimeoutMs
  let unhandle: (() => Promise<void>) | undefined
  if (options.colludes) logger.warn('COLLUDING CHECKER: approving every request without checking (testnet research only)')
  if (options.rejectsAll) logger.warn('REJECTING CHECKER: rejecting every request without checking (testnet research only)')
  return [
    {
      async start() {
        checker.start()
        unhandle = await serveRpc(
          ctx.libp2p,
          CHECK_PROTOCOL,
          async (request, connection, signal) => {
            const reply = await checker.handle(request, connection.remotePeer, signal)
            if (ctx.ledger !== undefined) void attestOnChain(ctx, reply)
            return reply
          },
          { maxRequestBytes: LIMITS.maxEnvelopeBytes, maxReplyBytes: VERIFICATION.maxCheckReplyBytes, timeoutMs: rpcTimeoutMs(checkTimeoutMs), readTimeoutMs: CHECK_REQUEST_READ_TIMEOUT_MS },
          logger
        )
      },
      async stop() {
        await unhandle?.()
        checker.stop()
        if (ownsRenderer) await Promise.all(Object.values(renderers).map((r) => r?.close()))
      }
    }
  ]
}

/**
 * On a ledger the verdict is also attested on chain, which settles the task
 * (the worker paid or slashed, this checker paid its fee). Only the checker
 * the chain drew may do so; anything else is refused there and logged here.
 */
async function attestOnChain(ctx: NodeContext, reply: Uint8Array): Promise<void> {
  try {
    const verdictEnvelope = CheckReply.decode(reply).verdict
    if (verdictEnvelope === undefined) return
    const verdict = decode('Verdict', verdictEnvelope.payload)
    const jobId = toHex(verdict.jobId)
    const task = await ctx.ledger!.task(jobId, verdict.taskIndex)
    if (task.state !== 'committed' || task.checker !== ctx.ledger!.address) return
    await ctx.ledger!.submitVerdict({ jobId, taskIndex: verdict.taskIndex, accepted: verdict.accepted })
  } catch (err) {
    ctx.logger.warn('on-chain verdict failed', { err })
  }
}
