// `pictor wallet fund`: mints PIC to an account from the dev ledger's faucet,
// so a node that started unfunded can stake and register (it retries on its
// own and is registered within 30 s of the funds arriving). Sui has no
// pictor faucet: there the operator funds the node key's address.
import { PictorError } from '../../errors.ts'
import { isAddress } from '../../ledger/dev/calls.ts'
import { createLedger, type LedgerConfig } from '../../ledger/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { formatPic, parsePic } from '../../ledger/wallet.ts'
import { openDataDir } from '../../store/data-dir.ts'
import { dataDirFlag, UsageError } from '../args.ts'
import { ledgerConfigOf } from '../ledger-settings.ts'

/** What a worker or checker needs to stake, and then some. */
export const DEFAULT_FUND_PIC = '10'
/** A faucet request above this is a typo, not a test setup. */
export const MAX_FUND_MICRO_PIC = 1_000_000n * 1_000_000n

/** `--amount`, `--address`, `--data-dir` and the ledger settings (ledger-settings.ts). */
export type FundFlags = Record<string, unknown>

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
  const config = await ledgerConfigOf(values)
  // Without --address the data dir's key is funded; the key only names the account, it signs nothing.
  const seed = values.address === undefined ? (await openDataDir(dataDirFlag(values))).seed : new Uint8Array(32)
  const address = typeof values.address === 'string' ? values.address : suiAddressOf(nodeEd25519.publicKey(seed))
  if (config.ledger.kind !== 'dev') throw new UsageError(suiFunding(config, address))
  const url = config.ledger.url
  const ledger = (await createLedger(config, seed, { retryForMs: 0 }))!
  try {
    await ledger.faucet(address, amount)
    console.log(`funded ${address} with ${formatPic(amount)} PIC; balance ${formatPic(await ledger.balance(address))} PIC`)
  } catch (err) {
    if (err instanceof PictorError) {
      const hint = config.ledger.token === undefined ? ' (no devchain token found: pass --devchain-dir DIR of that devchain)' : ''
      throw new UsageError(`cannot fund ${address} from the faucet at ${url}: ${err.message}${hint}`)
    }
    throw err
  }
  return 0
}

/** What to do instead on Sui, in one line: nothing here can mint there. */
function suiFunding(config: LedgerConfig, address: string): string {
  const faucet = config.suiNetwork === 'mainnet' ? '' : ` (a Sui faucet: \`sui client faucet --address ${address}\`)`
  const coins = /^0x0*2::sui::SUI$/.test(config.suiCoinType) ? 'SUI' : `${config.suiCoinType} and SUI for gas`
  return `the Sui ledger has no pictor faucet: send ${coins} to ${address} on ${config.suiNetwork}${faucet}`
}
