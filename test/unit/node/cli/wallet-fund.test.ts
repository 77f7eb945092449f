// `pictor wallet fund` input: amounts in PIC with explicit limits, checked
// before any ledger is asked; bad input is one UsageError line.
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../../../node/cli/args.ts'
import { fundAmount, fundWallet, MAX_FUND_MICRO_PIC } from '../../../../node/cli/commands/wallet-fund.ts'
import { parsePic } from '../../../../node/ledger/wallet.ts'

describe('wallet fund', () => {
  it('reads PIC with up to six decimals as micro-PIC', () => {
    expect(parsePic('10')).toBe(10_000_000n)
    expect(parsePic('1.5')).toBe(1_500_000n)
    expect(parsePic('0.000001')).toBe(1n)
    for (const bad of ['', '1.', '.5', '1.0000001', '-1', '1e6', ' 1', '0x10']) expect(parsePic(bad), bad).toBeUndefined()
  })

  it('defaults to 10 PIC and refuses zero, too much and malformed amounts', () => {
    expect(fundAmount(undefined)).toBe(10_000_000n)
    expect(fundAmount('1000000')).toBe(MAX_FUND_MICRO_PIC)
    for (const bad of ['0', '0.000000', '1000000.000001', 'ten']) expect(() => fundAmount(bad), bad).toThrow(UsageError)
    expect(() => fundAmount('0')).toThrow('--amount must be PIC above 0 and at most 1000000.000000, with at most 6 decimals, got "0"')
  })

  it('refuses a malformed address before reaching for a ledger', async () => {
    await expect(fundWallet({ address: '0xABC', ledger: 'http://127.0.0.1:1' })).rejects.toThrow('--address must be 0x and 64 lowercase hex characters, got "0xABC"')
  })
})
