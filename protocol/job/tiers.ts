// Pricing tiers: documented bundles a creator picks per job instead of
// tuning each knob. A tier fixes the verification level, a floor on the
// worker's standing (stake, as a multiple of the ledger's minimum, and
// tasks verified on the ledger) and the band the job's price cap must lie
// in. Tier 0 is "none": the creator sets everything itself.
import type { LevelName } from '../verification/levels.ts'

export interface Tier {
  name: string
  verification: LevelName
  /** The worker's stake must be at least this multiple of the ledger's minimum stake. */
  stakeMultiple: number
  /** Tasks of the worker verified on the ledger. */
  minVerifiedTasks: number
  /** Inclusive band for maxPrice, µPIC per reference frame. */
  priceBand: readonly [number, number]
}

export const TIERS: Readonly<Record<1 | 2 | 3, Tier>> = {
  // Proven workers, two independent checkers per task, premium pay.
  1: { name: 'premium', verification: 'strict', stakeMultiple: 2, minVerifiedTasks: 100, priceBand: [1500, 10_000] },
  // Workers with some history, one checker on a quarter of the frames.
  2: { name: 'standard', verification: 'standard', stakeMultiple: 1, minVerifiedTasks: 10, priceBand: [600, 3000] },
  // Anyone staked; fewer checks, lowest prices.
  3: { name: 'economy', verification: 'light', stakeMultiple: 1, minVerifiedTasks: 0, priceBand: [0, 1200] }
}

export type TierNumber = 0 | 1 | 2 | 3

export function tierOf(tier: number): Tier | undefined {
  return tier === 1 || tier === 2 || tier === 3 ? TIERS[tier] : undefined
}
