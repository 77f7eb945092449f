// Reason codes, one per rule, with the action each rule takes and the SPEC
// rule it comes from. Metrics and logs key on these strings: never reuse one
// for a different rule.
import type { ValidationAction } from '../errors.ts'

export const REASONS = {
  OVERSIZE: { action: 'REJECT', rule: 'R20' },
  DECODE: { action: 'REJECT', rule: 'R21' },
  NON_CANONICAL: { action: 'REJECT', rule: 'R22' },
  UNKNOWN_TYPE: { action: 'REJECT', rule: 'R23' },
  WRONG_TYPE: { action: 'REJECT', rule: 'R24' },
  BAD_KEY: { action: 'REJECT', rule: 'R25' },
  UNSIGNED: { action: 'REJECT', rule: 'R26' },
  FIELD_RANGE: { action: 'REJECT', rule: 'R28' },
  JOB_ID_MISMATCH: { action: 'REJECT', rule: 'R42' },
  BAD_MERKLE_ROOT: { action: 'REJECT', rule: 'R49' },
  SELF_VERDICT: { action: 'REJECT', rule: 'R45' },
  CLOCK_SKEW: { action: 'IGNORE', rule: 'R29' },
  STALE: { action: 'IGNORE', rule: 'R30' },
  EXPIRED: { action: 'IGNORE', rule: 'R47' },
  REPLAY: { action: 'IGNORE', rule: 'R31' },
  OLD_SEQ: { action: 'IGNORE', rule: 'R31' },
  BAD_SIGNATURE: { action: 'REJECT', rule: 'R32' },
  UNKNOWN_TOPIC: { action: 'IGNORE', rule: 'R34' },
  RATE_LIMITED: { action: 'IGNORE', rule: 'R36' },
  UNKNOWN_JOB: { action: 'IGNORE', rule: 'R37' },
  FORWARD_BUDGET: { action: 'IGNORE', rule: 'R38' },
  INTERNAL: { action: 'IGNORE', rule: 'R34' }
} as const satisfies Record<string, { action: Exclude<ValidationAction, 'ACCEPT'>; rule: string }>

export type ReasonCode = keyof typeof REASONS
