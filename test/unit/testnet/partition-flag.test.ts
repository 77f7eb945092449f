// `--partitionable` (testnet/adversarial-flags.ts): a research flag that
// sends a node through the adversarial entry, taken out before `pictor
// start` parses the rest, and absent from every other node's flags.
import { describe, expect, it } from 'vitest'
import { isAdversarial, parseAdversarialFlags } from '../../../testnet/adversarial-flags.ts'

describe('--partitionable', () => {
  it('makes a node adversarial and is taken out of the start flags', () => {
    expect(isAdversarial(['--role', 'creator', '--partitionable'])).toBe(true)
    expect(parseAdversarialFlags(['--partitionable', '--role', 'creator'])).toEqual({ flags: { colludes: false, rejectsAll: false, partitionable: true }, rest: ['--role', 'creator'] })
  })

  it('is not set for a node that does not ask for it', () => {
    expect(isAdversarial(['--role', 'creator'])).toBe(false)
    expect(parseAdversarialFlags(['--checker-colludes']).flags.partitionable).toBeUndefined()
  })
})
