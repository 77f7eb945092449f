// What a node checks of its Sui settings before it uses the ledger: the RPC
// answers, it serves the network named, and the registry is a Registry<T>
// of the configured package and coin that this adapter can read. Each
// failure is one ConfigError line at start-up, before anything is registered
// or locked; the same mistake found by a transaction later would cost gas
// and leave the operator guessing.

import { normalizeStructTag, parseStructTag } from '@mysten/sui/utils'
import { ConfigError } from '../../errors.ts'
import { LedgerUnavailableError } from '../errors.ts'
import type { SuiLedgerConfig } from './config.ts'
import { SUI_CHAIN_IDS } from './networks.ts'
import type { SuiReader } from './reader.ts'

export interface SetupCheck {
  reader: SuiReader
  config: SuiLedgerConfig
  /** The RPC the reader talks to, for the messages. */
  url: string
}

export type SetupStep = (check: SetupCheck) => Promise<void>

/** The first line of what went wrong, from the transport's own error where the reader wrapped one. */
function reason(error: unknown): string {
  const inner = error instanceof LedgerUnavailableError && error.cause instanceof Error ? error.cause : error
  return (inner instanceof Error ? inner.message : String(inner)).split('\n')[0]!
}

/** A read that cannot reach the RPC is a setting to fix (--sui-url), not a ledger refusal. */
async function reading<T>({ config, url }: SetupCheck, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof LedgerUnavailableError)) throw error
    throw new ConfigError(`cannot reach the Sui ${config.network} RPC at ${url} (--sui-url): ${reason(error)}`, { cause: error })
  }
}

/** The RPC answers, and with the chain of --sui-network (as far as that chain has a lasting identity). */
export const sameNetwork: SetupStep = async (check) => {
  const { config, url } = check
  const id = await reading(check, () => check.reader.chainIdentifier())
  const known = Object.entries(SUI_CHAIN_IDS).find(([, chainId]) => chainId === id)?.[0]
  const expected = SUI_CHAIN_IDS[config.network]
  if (expected === undefined ? known !== undefined : id !== expected) {
    throw new ConfigError(`${url} serves Sui ${known ?? `chain ${id}`}, not ${config.network}: fix --sui-network or --sui-url`)
  }
}

/** --sui-registry is a `registry::Registry<T>` of --sui-package (or an earlier version of it) over --sui-coin-type. */
export const registryOfPackage: SetupStep = async (check) => {
  const { config, reader } = check
  const id = config.registryId
  const type = await reading(check, () => reader.objectType(id))
  if (type === undefined) throw new ConfigError(`--sui-registry ${id} does not exist on Sui ${config.network}`)
  let tag: ReturnType<typeof parseStructTag> | undefined
  try {
    tag = parseStructTag(type)
  } catch {
    tag = undefined
  }
  if (tag === undefined || tag.module !== 'registry' || tag.name !== 'Registry' || tag.typeParams.length !== 1) {
    throw new ConfigError(`--sui-registry ${id} is a ${type}, not a pictor Registry`)
  }
  if (![config.packageId, ...(config.previousPackageIds ?? [])].includes(tag.address)) {
    throw new ConfigError(`--sui-registry ${id} belongs to package ${tag.address}, not --sui-package ${config.packageId}`)
  }
  const [param] = tag.typeParams
  const coin = typeof param === 'string' ? param : normalizeStructTag(param!)
  if (coin !== config.coinType) throw new ConfigError(`--sui-registry ${id} holds ${coin}, not --sui-coin-type ${config.coinType}`)
  try {
    await reading(check, () => reader.registry())
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw new ConfigError(`--sui-registry ${id} does not decode as this pictor's Registry (published from other contracts/ sources?): ${reason(error)}`, { cause: error })
  }
}

/**
 * In order: a step may rely on those before it. A check that the node's
 * address holds gas for its transactions belongs at the end.
 */
export const SETUP_STEPS: readonly SetupStep[] = [sameNetwork, registryOfPackage]

export async function checkSetup(check: SetupCheck, steps: readonly SetupStep[] = SETUP_STEPS): Promise<void> {
  for (const step of steps) await step(check)
}
