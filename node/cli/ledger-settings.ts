// The ledger of the commands that read or fund an account (`pictor wallet`,
// `pictor ledger job`): the same settings as `pictor start` (flags, PICTOR_*
// variables, the config file), so a command shows the account the node
// uses; with none of them, a local `pictor devchain`. A devchain's faucet
// token is read from its data dir (--devchain-dir, else the default one)
// when that dir's devchain is the one the settings name.
import { flagName, type NodeConfig, resolveConfig } from '../config/config.ts'
import { createLedger, type Ledger, type LedgerConfig, readDevchain } from '../ledger/index.ts'
import { dataDirPaths } from '../store/data-dir.ts'
import { dataDirFlag, UsageError } from './args.ts'
import { defaultDevchainDir } from './commands/devchain.ts'
import { readConfigFile } from './commands/start.ts'

const LEDGER_KEYS = ['ledger', 'suiUrl', 'suiNetwork', 'suiPackage', 'suiRegistry', 'suiCoinType'] as const satisfies (keyof NodeConfig)[]

/** parseFlags options for the ledger settings, plus --config FILE and --devchain-dir DIR. */
export const LEDGER_FLAGS = Object.fromEntries([
  ['config', { type: 'string' }],
  ['devchain-dir', { type: 'string' }],
  ...LEDGER_KEYS.map((key) => [flagName(key), { type: 'string' }] as const)
]) as Record<string, { type: 'string' }>

export const LEDGER_USAGE =
  '[--ledger dev:URL|sui] [--devchain-dir DIR (its faucet token; default ~/.pictor-devchain)] [--sui-network N] [--sui-url URL] [--sui-package 0x…] [--sui-registry 0x…] [--sui-coin-type T] [--config FILE]'

export async function ledgerConfigOf(values: Record<string, unknown>): Promise<LedgerConfig> {
  const file = typeof values.config === 'string' ? await readConfigFile(values.config, true) : await readConfigFile(dataDirPaths(dataDirFlag(values)).config, false)
  const flags: Partial<Record<keyof NodeConfig, unknown>> = {}
  for (const key of LEDGER_KEYS) flags[key] = values[flagName(key)]
  const config = resolveConfig({ file, env: process.env, flags })
  const devchainDir = typeof values['devchain-dir'] === 'string' ? values['devchain-dir'] : defaultDevchainDir()
  if (config.ledger.kind === 'sui') return config
  const local = await readDevchain(devchainDir)
  if (config.ledger.kind === 'dev') return local !== undefined && sameUrl(local.url, config.ledger.url) ? { ...config, ledger: { ...config.ledger, token: local.token } } : config
  if (local === undefined) throw new UsageError('no ledger: pass --ledger dev:URL or --ledger sui, set PICTOR_LEDGER, or start `pictor devchain`')
  return { ...config, ledger: { kind: 'dev', ...local } }
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href
  } catch {
    return false
  }
}

/** The ledger of ledgerConfigOf acting as `seed`. One-shot: a transaction is not re-sent while the chain is away. */
export async function commandLedger(values: Record<string, unknown>, seed: Uint8Array): Promise<Ledger> {
  const ledger = await createLedger(await ledgerConfigOf(values), seed, { retryForMs: 0 })
  if (ledger === undefined) throw new UsageError('no ledger configured')
  return ledger
}
