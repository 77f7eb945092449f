// The creator's side of the ledger (contracts/LEDGER-API.md): lock the
// escrow before a job is announced, assign a task on chain when its worker
// commits, read the beacon and checker the chain drew, close the job for the
// refund. All amounts in µPIC.
import { frameCost, type JobSpec } from '../../../protocol/index.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { LedgerError } from '../../ledger/errors.ts'
import type { Ledger } from '../../ledger/types.ts'

export interface JobLedgerTerms {
  maxFrameCost: string
  checkerFee: string
  escrow: string
}

/** A checker earns a tenth of a task's maximum cost (at least 1 µPIC) per check. */
export function checkerFeeOf(spec: JobSpec): bigint {
  const taskMax = frameCost(spec.maxPrice, spec.width, spec.height, spec.samples) * BigInt(spec.framesPerTask)
  const fee = taskMax / 10n
  return fee > 0n ? fee : 1n
}

/**
 * Escrow = every frame at the price cap + two checker fees per task: the
 * second pays for a re-check after a rejected result (the ledger charges a
 * fee per verdict and has no top-up).
 */
export function termsOf(spec: JobSpec, taskCount: number): { maxFrameCost: bigint; checkerFee: bigint; escrow: bigint } {
  const maxFrameCost = frameCost(spec.maxPrice, spec.width, spec.height, spec.samples)
  const checkerFee = checkerFeeOf(spec)
  const frames = BigInt(spec.frameEnd - spec.frameStart + 1)
  return { maxFrameCost, checkerFee, escrow: frames * maxFrameCost + 2n * BigInt(taskCount) * checkerFee }
}

export async function lockEscrow(ledger: Ledger, jobId: string, spec: JobSpec, taskCount: number): Promise<JobLedgerTerms> {
  const t = termsOf(spec, taskCount)
  await ledger.createJob({ jobId, taskCount, frameCount: spec.frameEnd - spec.frameStart + 1, maxFrameCost: t.maxFrameCost, checkerFee: t.checkerFee, escrow: t.escrow })
  return { maxFrameCost: String(t.maxFrameCost), checkerFee: String(t.checkerFee), escrow: String(t.escrow) }
}

export async function assignOnChain(ledger: Ledger, jobId: string, spec: JobSpec, task: { index: number; frameStart: number; frameEnd: number }, workerKey: Uint8Array, price: number): Promise<void> {
  await ledger.assignTask({
    jobId,
    taskIndex: task.index,
    worker: suiAddressOf(workerKey),
    frames: task.frameEnd - task.frameStart + 1,
    frameCost: frameCost(price, spec.width, spec.height, spec.samples)
  })
}

/** Waits for the worker's on-chain commitment; returns the beacon and checker address the chain drew. */
export async function chainDraw(ledger: Ledger, jobId: string, taskIndex: number, merkleRoot: string, timeoutMs: number): Promise<{ beacon: string; checker: string } | undefined> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const task = await ledger.task(jobId, taskIndex)
    if ((task.state === 'committed' || task.state === 'verified') && task.merkleRoot === merkleRoot) return { beacon: task.beacon, checker: task.checker }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return undefined
}

/** Closes the job once the chain has every verdict; the unspent escrow goes back to the creator. */
export async function closeOnChain(ledger: Ledger, jobId: string, timeoutMs: number): Promise<bigint | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const receipt = await ledger.closeJob(jobId)
      const closed = receipt.events.find((e) => e.type === 'JobClosed')
      return closed?.type === 'JobClosed' ? closed.refunded : 0n
    } catch (err) {
      // Checkers submit their verdicts on chain just after answering us: wait for the last ones.
      if (!(err instanceof LedgerError && err.code === 'ETasksPending') || Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}
