// Paying for a transaction's gas: the node's own SUI coins, largest first,
// until they cover the budget plus whatever the transaction splits off the
// gas coin (a stake or escrow paid in SUI). Coins the transaction spends
// otherwise are never taken. Sui merges the chosen coins into the first
// before executing, so several small coins pay like one large one. A node
// without enough SUI gets one line saying its address and where SUI comes
// from, before anything is sent.

import { bcs } from '@mysten/sui/bcs'
import type { SuiClientTypes } from '@mysten/sui/client'
import type { TransactionDataBuilder, TransactionPlugin } from '@mysten/sui/transactions'
import { fromBase64, normalizeStructTag, normalizeSuiAddress } from '@mysten/sui/utils'
import { LedgerError } from '../errors.ts'
import type { SuiNetwork } from './config.ts'

export const SUI_COIN_TYPE = normalizeStructTag('0x2::sui::SUI')
/** Sui refuses more gas payment objects than this (protocol max_gas_payment_objects). */
export const MAX_GAS_COINS = 256
/** Coins listed at most: a dust-filled account is not read to the end for one transaction. */
export const MAX_LISTED_GAS_COINS = 1000
const PAGE = 50

export interface GasCoin {
  objectId: string
  version: string
  digest: string
  balance: bigint
}

/** What gas payment needs of a Sui client; `SuiGrpcClient` has it. */
export interface GasCoinSource {
  listCoins(options: { owner: string; coinType: string; limit: number; cursor: string | null }): Promise<SuiClientTypes.ListCoinsResponse>
  /** `addressBalance`: SUI held by the account itself rather than in coins, which can pay gas too. */
  getBalance(options: { owner: string; coinType: string }): Promise<{ balance: { balance: string; addressBalance?: string } }>
}

/** The owner's SUI coins, largest first (at most MAX_LISTED_GAS_COINS). */
export async function listGasCoins(source: GasCoinSource, owner: string): Promise<GasCoin[]> {
  const coins: GasCoin[] = []
  let cursor: string | null = null
  do {
    const page: SuiClientTypes.ListCoinsResponse = await source.listCoins({ owner, coinType: SUI_COIN_TYPE, limit: PAGE, cursor })
    for (const coin of page.objects) {
      coins.push({ objectId: normalizeSuiAddress(coin.objectId), version: coin.version, digest: coin.digest, balance: BigInt(coin.balance) })
    }
    cursor = page.hasNextPage ? page.cursor : null
  } while (cursor !== null && coins.length < MAX_LISTED_GAS_COINS)
  return coins.sort((a, b) => (a.balance === b.balance ? 0 : a.balance > b.balance ? -1 : 1))
}

/**
 * The fewest of `coins` (largest first) that together hold `need`, none of
 * them in `spent`; undefined when they cannot.
 */
export function selectGasCoins(coins: readonly GasCoin[], need: bigint, spent: ReadonlySet<string>): GasCoin[] | undefined {
  const chosen: GasCoin[] = []
  let total = 0n
  for (const coin of [...coins].sort((a, b) => (a.balance === b.balance ? 0 : a.balance > b.balance ? -1 : 1))) {
    if (total >= need && chosen.length > 0) break
    if (chosen.length === MAX_GAS_COINS) return undefined
    if (spent.has(normalizeSuiAddress(coin.objectId))) continue
    chosen.push(coin)
    total += coin.balance
  }
  return total >= need && chosen.length > 0 ? chosen : undefined
}

/** What the gas coins must hold: the budget, plus every amount split off the gas coin. */
export function gasNeed(data: TransactionDataBuilder): bigint {
  let need = BigInt(data.gasData.budget ?? 0)
  for (const command of data.commands) {
    if (command.$kind !== 'SplitCoins' || command.SplitCoins.coin.$kind !== 'GasCoin') continue
    for (const amount of command.SplitCoins.amounts) {
      const input = amount.$kind === 'Input' ? data.inputs[amount.Input] : undefined
      if (input?.$kind === 'Pure') need += BigInt(bcs.u64().parse(fromBase64(input.Pure.bytes)))
    }
  }
  return need
}

/** Owned objects the transaction already uses (a coin paid as stake or escrow): never gas. */
export function spentObjects(data: TransactionDataBuilder): Set<string> {
  const spent = new Set<string>()
  for (const input of data.inputs) {
    const id = input.Object?.ImmOrOwnedObject?.objectId ?? input.UnresolvedObject?.objectId
    if (id !== undefined) spent.add(normalizeSuiAddress(id))
  }
  return spent
}

/** The one line a node without enough SUI for gas gets; `need` undefined when the budget is not known yet. */
export function noGasError(address: string, network: SuiNetwork, need: bigint | undefined, held: bigint, cause?: unknown): LedgerError {
  const how =
    network === 'mainnet'
      ? `transfer SUI to ${address}`
      : `get test SUI with \`sui client faucet --address ${address}\`${network === 'localnet' ? ' (localnet: sui start --with-faucet)' : ` or at https://faucet.sui.io/?address=${address}`}`
  const needs = need === undefined ? 'a transaction needs some' : `this transaction needs ${need}`
  return new LedgerError(
    'EInsufficientGas',
    `${address} holds ${held} MIST of SUI coins for gas on Sui ${network}, ${needs}: ${how}`,
    cause === undefined ? undefined : { cause }
  )
}

export interface GasPaymentInit {
  source: GasCoinSource
  owner: string
  network: SuiNetwork
}

/**
 * A build plugin that pays gas with the owner's coins. With the budget set
 * beforehand it chooses before the SDK resolves the rest (which then picks
 * nothing); otherwise the SDK estimates the budget by dry run first and its
 * own choice (every coin of its first page) is replaced. Where the coins
 * fall short but the account's address balance covers the need, the SDK
 * pays from that; where neither does, nothing is sent.
 */
export function gasPayment(init: GasPaymentInit): TransactionPlugin {
  return async (data, _options, next) => {
    if (data.gasData.payment != null) return next()
    let coins: GasCoin[] | undefined
    const listed = async () => {
      coins ??= await listGasCoins(init.source, init.owner)
      return coins
    }
    const addressBalance = async () => {
      const { balance } = await init.source.getBalance({ owner: init.owner, coinType: SUI_COIN_TYPE })
      return BigInt(balance.addressBalance ?? 0)
    }
    /** Sets the payment, or says why it cannot be paid; false: the address balance pays instead. */
    const pay = async (): Promise<boolean> => {
      const spent = spentObjects(data)
      const need = gasNeed(data)
      const chosen = selectGasCoins(await listed(), need, spent)
      if (chosen !== undefined) {
        data.gasData.payment = refs(chosen)
        return true
      }
      const inAccount = await addressBalance()
      if (inAccount >= need) return false
      const held = (await listed()).filter((c) => !spent.has(c.objectId)).reduce((sum, c) => sum + c.balance, inAccount)
      throw noGasError(init.owner, init.network, need, held)
    }
    if (data.gasData.budget != null) {
      await pay()
      return next()
    }
    try {
      await next()
    } catch (error) {
      // The SDK's dry run or coin choice fails on an empty account: say that plainly.
      if ((await listed()).length === 0 && (await addressBalance()) === 0n) throw noGasError(init.owner, init.network, undefined, 0n, error)
      throw error
    }
    await pay()
  }
}

function refs(coins: GasCoin[]): { objectId: string; version: string; digest: string }[] {
  return coins.map(({ objectId, version, digest }) => ({ objectId, version, digest }))
}
