// Role code takes its time from the Clock port (node/clock.ts), so the
// simulator can run it on virtual time (testnet/sim/virtual-clock.ts).
// Files not moved yet are listed; the list only shrinks.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
/** The global timer calls and imports that bypass the Clock (a clock's own `.setTimeout(` is fine). */
const SYSTEM_TIMERS = /(?<![.\w])(?:setTimeout|setInterval)\(|AbortSignal\.timeout\(|node:timers/

const NOT_MOVED_YET = [
  'checker/assignment.ts',
  'checker/checker-service.ts',
  'creator/checked-verifier.ts',
  'creator/job-api.ts',
  'creator/verifier.ts',
  'ledger-account.ts'
]

function roleFiles(): string[] {
  return readdirSync(join(ROOT, 'node/roles'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
}

describe('role timers', () => {
  it('role code outside the list uses no system timer: its timers come from the Clock port', () => {
    const offenders = roleFiles().filter((f) => !NOT_MOVED_YET.includes(f) && SYSTEM_TIMERS.test(readFileSync(join(ROOT, 'node/roles', f), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('every listed file still has a system timer (once moved, it leaves the list)', () => {
    const moved = NOT_MOVED_YET.filter((f) => !SYSTEM_TIMERS.test(readFileSync(join(ROOT, 'node/roles', f), 'utf8')))
    expect(moved).toEqual([])
  })
})
