// The ledger's public surface: the Ledger interface (types.ts), its errors,
// and createLedger, the one way the node, the CLI and the testnet get a
// ledger (the dev ledger or Sui, from the settings).
export { createLedger, type LedgerConfig, type LedgerOptions, type LedgerSetting } from './factory.ts'
export { type DevchainAccess, readDevchain, readDevchainUrl } from './dev/rpc-client.ts'
export { SUI_CHAIN_IDS, SUI_DEFAULT_URLS, SUI_NETWORKS, type SuiNetwork } from './sui/networks.ts'
export * from './errors.ts'
export * from './types.ts'
