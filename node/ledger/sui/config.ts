// Configuration of the Sui ledger: where the package and its registry live.
// Checked once, when the node starts; a bad value is a ConfigError (one line
// for the user) rather than a failed transaction later.

import { isValidSuiAddress, normalizeStructTag, normalizeSuiAddress } from '@mysten/sui/utils'
import { ConfigError } from '../../errors.ts'
import { SUI_NETWORKS, type SuiNetwork } from './networks.ts'

export { SUI_NETWORKS, type SuiNetwork } from './networks.ts'

export interface SuiLedgerConfig {
  /** The published `pictor` package (`sui client publish` prints it). */
  packageId: string
  /** `T` of `Registry<T>`, e.g. `0x2::sui::SUI`. */
  coinType: string
  network: SuiNetwork
  /** The shared `Registry<T>` that `registry::create_registry<T>` returned. */
  registryId: string
  /**
   * Package ids whose events and aborts are ours besides `packageId`: after
   * an upgrade, the original id (event types keep it) and older versions.
   */
  previousPackageIds?: string[]
  /** Gas budget in MIST; when unset the client estimates it by dry run. */
  gasBudget?: bigint
}

export function parseSuiLedgerConfig(input: SuiLedgerConfig): SuiLedgerConfig {
  const address = (name: string, value: unknown): string => {
    if (typeof value !== 'string' || !isValidSuiAddress(normalizeSuiAddress(value)) || !/^0x[0-9a-fA-F]+$/.test(value)) {
      throw new ConfigError(`sui.${name} must be a 0x-prefixed Sui object id, got ${JSON.stringify(value)}`)
    }
    return normalizeSuiAddress(value)
  }
  if (!SUI_NETWORKS.includes(input.network)) {
    throw new ConfigError(`sui.network must be one of ${SUI_NETWORKS.join(', ')}, got ${JSON.stringify(input.network)}`)
  }
  let coinType: string
  try {
    coinType = normalizeStructTag(input.coinType)
  } catch (cause) {
    throw new ConfigError(`sui.coinType must be a Move type like 0x2::sui::SUI, got ${JSON.stringify(input.coinType)}`, {
      cause
    })
  }
  if (input.gasBudget !== undefined && (typeof input.gasBudget !== 'bigint' || input.gasBudget <= 0n)) {
    throw new ConfigError('sui.gasBudget must be a positive bigint (MIST)')
  }
  return {
    packageId: address('packageId', input.packageId),
    coinType,
    network: input.network,
    registryId: address('registryId', input.registryId),
    previousPackageIds: (input.previousPackageIds ?? []).map((id, i) => address(`previousPackageIds[${i}]`, id)),
    ...(input.gasBudget === undefined ? {} : { gasBudget: input.gasBudget })
  }
}
