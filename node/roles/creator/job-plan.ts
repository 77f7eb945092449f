// What a job will take and cost, before it is submitted: frames and tasks,
// the escrow the ledger will lock, and what the workers heard from now ask
// (the fitting ones only: those that would bid). Pure over the spec and the
// offers; the creator supplies both.
import { frameCost, type JobSpec, taskCount, type WorkerOffer } from '../../../protocol/index.ts'
import { fittingOffers, noBidReasons } from './bid-watch.ts'
import { termsOf } from './job-ledger.ts'

export interface JobPlan {
  frames: number
  tasks: number
  /** µPIC, decimal strings (they may pass 2^53). */
  maxFrameCost: string
  checkerFee: string
  escrow: string
  /** Every frame at the price cap. */
  maxCost: string
  workers: {
    heard: number
    fitting: number
    /** Asking prices of the fitting workers, µPIC per reference frame. */
    price?: { min: number; median: number; max: number }
  }
  /** The frames at the cheapest and at the median fitting ask: what the job should cost. */
  estimate?: { low: string; typical: string }
  /** Why no worker would bid, when none fits. */
  noBids?: string[]
}

export function planJob(spec: JobSpec, offers: readonly WorkerOffer[]): JobPlan {
  const frames = spec.frameEnd - spec.frameStart + 1
  const tasks = taskCount(spec)
  const terms = termsOf(spec, tasks)
  const fitting = fittingOffers(spec, offers)
    .map((o) => o.price)
    .sort((a, b) => a - b)
  const plan: JobPlan = {
    frames,
    tasks,
    maxFrameCost: String(terms.maxFrameCost),
    checkerFee: String(terms.checkerFee),
    escrow: String(terms.escrow),
    maxCost: String(terms.maxFrameCost * BigInt(frames)),
    workers: { heard: offers.length, fitting: fitting.length }
  }
  if (fitting.length === 0) return { ...plan, noBids: noBidReasons(spec, offers) }
  const median = fitting[Math.floor((fitting.length - 1) / 2)]!
  const costAt = (price: number) => String(frameCost(price, spec.width, spec.height, spec.samples) * BigInt(frames))
  return { ...plan, workers: { ...plan.workers, price: { min: fitting[0]!, median, max: fitting.at(-1)! } }, estimate: { low: costAt(fitting[0]!), typical: costAt(median) } }
}
