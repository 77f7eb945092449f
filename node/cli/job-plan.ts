// The lines `pictor job plan` prints (and `job submit` before it submits).
import type { JobPlan } from '../roles/creator/index.ts'
import { formatPic } from '../ledger/wallet.ts'

const pic = (micro: string) => `${formatPic(BigInt(micro))} PIC`

export function formatPlan(plan: JobPlan): string[] {
  const lines = [
    `frames    ${plan.frames} in ${plan.tasks} task(s)`,
    `escrow    ${pic(plan.escrow)} locked at submit (every frame at the cap: ${pic(plan.maxCost)}, plus checker fees)`,
    `workers   ${plan.workers.fitting} of ${plan.workers.heard} heard from would bid`
  ]
  const p = plan.workers.price
  if (p !== undefined) lines.push(`asks      ${p.min} to ${p.max} µPIC per reference frame (median ${p.median})`)
  if (plan.estimate !== undefined) lines.push(`estimate  ${pic(plan.estimate.low)} at the lowest ask, ${pic(plan.estimate.typical)} at the median`)
  for (const reason of plan.noBids ?? []) lines.push(`no bids   ${reason}`)
  return lines
}
