// `pictor wallet fund`: mints PIC to an account from the dev ledger's faucet,
// so a node that started unfunded can stake and register (it retries on its
// own and is registered within 30 s of the funds arriving).
import { PictorError } from '../../errors.ts'
import { isAddress } from '../../ledger/dev/calls.ts'
import { DevLedgerClient } from '../../ledger/dev/rpc-client.ts'
import { formatPic, parsePic } from '../../ledger/wallet.ts'
import { openDataDir } from '../../store/data-dir.ts'
import { dataDirFlag, UsageError } from '../args.ts'
import { ledgerUrl } from './wallet.ts'

/** What a worker or checker needs to stake, and then some. */
export const DEFAULT_FUND_PIC = '10'
/** A faucet request above this is a typo, not a test setup. */
export const MAX_FUND_MICRO_PIC = 1_000_000n * 1_000_000n

export interface FundFlags {
  amount?: unknown
  address?: unknown
  ledger?: unknown
  'data-dir'?: unknown
}

export function fundAmount(flag: unknown): bigint {
  const text = typeof flag === 'string' ? flag : DEFAULT_FUND_PIC
  const amount = parsePic(text)
  if (amount === undefined || amount === 0n || amount > MAX_FUND_MICRO_PIC) {
    throw new UsageError(`--amount must be PIC above 0 and at most ${formatPic(MAX_FUND_MICRO_PIC)}, with at most 6 decimals, got "${text}"`)
  }
  return amount
}

export async function fundWallet(values: FundFlags): Promise<number> {
  const amount = fundAmount(values.amount)
  if (values.address !== undefined && !isAddress(values.address)) throw new UsageError(`--address must be 0x and 64 lowercase hex characters, got "${String(values.address)}"`)
  const url = await ledgerUrl(values.ledger)
  // Without --address the data dir's key is funded; the key only names the account, it signs nothing.
  const seed = values.address === undefined ? (await openDataDir(dataDirFlag(values))).seed : new Uint8Array(32)
  const ledger = new DevLedgerClient({ url, seed, retryForMs: 0 })
  const address = typeof values.address === 'string' ? values.address : ledger.address
  try {
    await ledger.faucet(address, amount)
    console.log(`funded ${address} with ${formatPic(amount)} PIC; balance ${formatPic(await ledger.balance(address))} PIC`)
  } catch (err) {
    if (err instanceof PictorError) throw new UsageError(`cannot fund ${address} from the faucet at ${url}: ${err.message}`)
    throw err
  }
  return 0
}
