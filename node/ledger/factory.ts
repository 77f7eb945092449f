// The one place a node's ledger is built, for the node, the CLI and the
// testnet: from the ledger settings (node/config), the dev ledger over
// JSON-RPC or the Sui adapter over gRPC, acting as the node key. A Sui
// ledger is checked against the chain before it is handed out
// (sui/setup-check.ts), so a wrong setting is one line at start-up. The
// node key signs on Sui too: one Ed25519 seed is the PeerId and the Sui
// address (node/identity/keys.ts). @mysten/sui is loaded only for Sui.
import { ConfigError } from '../errors.ts'
import { DevLedgerClient } from './dev/rpc-client.ts'
import { SUI_DEFAULT_URLS, type SuiNetwork } from './sui/networks.ts'
import type { SuiTransport } from './sui/reader.ts'
import type { Logger } from '../log.ts'
import type { CursorStore } from './sui/follower.ts'
import type { Ledger } from './types.ts'

/**
 * Which ledger: none, a `pictor devchain` at `url`, or the Sui package of
 * the `sui*` settings. A devchain's `token` (its data dir's devchain-token)
 * is only for its faucet: set by the commands and the testnet that read it
 * from the dir, never by config.
 */
export type LedgerSetting = { kind: 'none' } | { kind: 'dev'; url: string; token?: string } | { kind: 'sui' }

/** The settings a ledger is built from (a NodeConfig has them all). */
export interface LedgerConfig {
  ledger: LedgerSetting
  /** Sui full node URL; '' for the network's public one. */
  suiUrl: string
  suiNetwork: SuiNetwork
  /** The published package id; '' when unset. */
  suiPackage: string
  /** The shared Registry<T> object id; '' when unset. */
  suiRegistry: string
  suiCoinType: string
}

/** Per Sui RPC call: a full node that does not answer in this time counts as unreachable. */
const SUI_RPC_TIMEOUT_MS = 30_000

export interface LedgerOptions {
  /** Dev ledger: how long to re-send while the chain is unreachable (default 5 s; 0 for one-shot commands). */
  retryForMs?: number
  /** Sui: replaces the gRPC client (tests pass a fake transport). */
  suiTransport?: SuiTransport
  /** Sui: where the node keeps its event cursors (a sublevel of its database); with it the ledger follows its package's events between start() and stop(). */
  cursors?: CursorStore
  logger?: Logger
}

/** The ledger the settings name, acting as the key of `seed`; undefined for none. Throws ConfigError for a bad setting. */
export async function createLedger(config: LedgerConfig, seed: Uint8Array, options: LedgerOptions = {}): Promise<Ledger | undefined> {
  switch (config.ledger.kind) {
    case 'none':
      return undefined
    case 'dev':
      return new DevLedgerClient({ url: config.ledger.url, seed, retryForMs: options.retryForMs, token: config.ledger.token })
    case 'sui':
      return createSuiLedger(config, seed, options)
  }
}

async function createSuiLedger(config: LedgerConfig, seed: Uint8Array, options: LedgerOptions): Promise<Ledger> {
  const missing = [
    config.suiPackage === '' ? '--sui-package (the package id `sui client publish` printed)' : '',
    config.suiRegistry === '' ? '--sui-registry (the Registry `registry::create_registry` created)' : ''
  ].filter(Boolean)
  if (missing.length > 0) throw new ConfigError(`--ledger sui needs ${missing.join(' and ')}; see README "Sui ledger"`)
  const [{ SuiGrpcClient }, { Ed25519Keypair }, { SuiLedger }] = await Promise.all([
    import('@mysten/sui/grpc'),
    import('@mysten/sui/keypairs/ed25519'),
    import('./sui/sui-ledger.ts')
  ])
  const network = config.suiNetwork
  const url = config.suiUrl === '' ? SUI_DEFAULT_URLS[network] : config.suiUrl
  const transport = options.suiTransport ?? new SuiGrpcClient({ network, baseUrl: url, timeout: SUI_RPC_TIMEOUT_MS })
  const ledger = new SuiLedger(transport, Ed25519Keypair.fromSecretKey(seed), {
    packageId: config.suiPackage,
    registryId: config.suiRegistry,
    coinType: config.suiCoinType,
    network
  }, { cursors: options.cursors, logger: options.logger })
  await ledger.checkSetup(url)
  return ledger
}
