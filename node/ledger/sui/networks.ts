// The Sui networks a node can use: their public full nodes and, where it
// never changes, the chain's identity. Free of @mysten/sui, so that the
// node's config can name a network without loading the SDK.

export const SUI_NETWORKS = ['mainnet', 'testnet', 'devnet', 'localnet'] as const
export type SuiNetwork = (typeof SUI_NETWORKS)[number]

/** Mysten's public full nodes (gRPC and JSON-RPC share the port); `sui start` serves localnet on 9000. */
export const SUI_DEFAULT_URLS: Record<SuiNetwork, string> = {
  mainnet: 'https://fullnode.mainnet.sui.io:443',
  testnet: 'https://fullnode.testnet.sui.io:443',
  devnet: 'https://fullnode.devnet.sui.io:443',
  localnet: 'http://127.0.0.1:9000'
}

/**
 * The chain identifier a full node reports (the base58 digest of the genesis
 * checkpoint; sui-types digests.rs). devnet and localnet start again from a
 * new genesis, so only mainnet and testnet have one that lasts.
 */
export const SUI_CHAIN_IDS: Readonly<Partial<Record<SuiNetwork, string>>> = {
  mainnet: '4btiuiMPvEENsttpZC7CZ53DruC3MAgfznDbASZ7DR6S',
  testnet: '69WiPg3DAQiwdxfncX6wYQ2siKwAe6L9BZthQea3JNMD'
}
