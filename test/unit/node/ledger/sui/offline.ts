// Building Sui transactions with no network: every object as a full ref,
// gas set by hand. Then the bytes decode back into the Move call and its
// arguments, each read with the BCS type of the Move parameter it feeds.

import { bcs } from '@mysten/sui/bcs'
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519'
import { Inputs, Transaction } from '@mysten/sui/transactions'
import { fromBase64, normalizeStructTag, normalizeSuiAddress, toBase58 } from '@mysten/sui/utils'
import type { MoveParam } from './move-source.ts'

export const PACKAGE_ID = normalizeSuiAddress('0xa11ce')
export const COIN_TYPE = normalizeStructTag('0x2::sui::SUI')
export const REGISTRY_ID = normalizeSuiAddress('0x5e1')
export const JOB_OBJECT_ID = normalizeSuiAddress('0x10b')
export const RANDOM_ID = normalizeSuiAddress('0x8')
export const CLOCK_ID = normalizeSuiAddress('0x6')
export const TARGET = { package: PACKAGE_ID, coinType: COIN_TYPE }

/** Node keys are Ed25519 from a 32-byte seed, as in node/identity. */
export const keypair = Ed25519Keypair.fromSecretKey(new Uint8Array(32).fill(1))
export const SENDER = keypair.toSuiAddress()

export const DIGEST = toBase58(new Uint8Array(32).fill(7))
export const INITIAL_SHARED_VERSION = 3

/** Shared objects of the package and of the framework, by the Move type a parameter takes. */
const SHARED_TYPES: Record<string, string> = {
  Registry: REGISTRY_ID,
  Job: JOB_OBJECT_ID,
  Random: RANDOM_ID,
  Clock: CLOCK_ID
}

export function sharedRef(objectId: string, mutable: boolean) {
  return Inputs.SharedObjectRef({ objectId, initialSharedVersion: INITIAL_SHARED_VERSION, mutable })
}

export function ownedRef(objectId: string) {
  return Inputs.ObjectRef({ objectId, version: '5', digest: DIGEST })
}

const baseType = (type: string) => type.replace(/^&(mut )?/, '').replace(/<.*$/, '')

/**
 * The full ref a Move parameter needs: a shared object with the mutability
 * the signature asks for, or an owned object (coins, caps) by value.
 * Owned ids are derived from the parameter name so each is distinct.
 */
export function refFor(param: MoveParam, ownedIndex: number) {
  const shared = SHARED_TYPES[baseType(param.type)]
  if (shared !== undefined) return sharedRef(shared, param.type.startsWith('&mut '))
  return ownedRef(normalizeSuiAddress(`0xc0${ownedIndex}`))
}

export function isObjectParam(param: MoveParam): boolean {
  return !/^(u8|u16|u32|u64|u128|u256|bool|address|vector<u8>)$/.test(param.type)
}

/** Sets what `build()` would otherwise fetch: sender, gas price, budget, payment. */
export function offline(tx: Transaction): Transaction {
  tx.setSender(SENDER)
  tx.setGasPrice(1000)
  tx.setGasBudget(50_000_000)
  tx.setGasPayment([{ objectId: normalizeSuiAddress('0x9a5'), version: '1', digest: DIGEST }])
  return tx
}

/** Reads pure argument bytes as the Move type of the parameter. */
export function decodePure(type: string, bytes: Uint8Array): unknown {
  switch (type) {
    case 'u8':
      return bcs.u8().parse(bytes)
    case 'u64':
      return BigInt(bcs.u64().parse(bytes))
    case 'bool':
      return bcs.bool().parse(bytes)
    case 'address':
      return normalizeSuiAddress(bcs.Address.parse(bytes))
    case 'vector<u8>':
      return Uint8Array.from(bcs.vector(bcs.u8()).parse(bytes))
    default:
      throw new Error(`no decoder for pure Move type ${type}`)
  }
}

export type DecodedArg =
  | { kind: 'pure'; bytes: Uint8Array }
  | { kind: 'shared'; objectId: string; mutable: boolean; initialSharedVersion: string }
  | { kind: 'owned'; objectId: string }
  | { kind: 'other'; value: unknown }

export interface DecodedCall {
  package: string
  module: string
  function: string
  typeArguments: string[]
  args: DecodedArg[]
}

/** Decodes built bytes back into their single Move call (`Transaction.from(bytes).getData()`). */
export function decodeCall(bytes: Uint8Array): DecodedCall {
  const data = Transaction.from(bytes).getData()
  const calls = data.commands.filter((c) => c.$kind === 'MoveCall')
  if (calls.length !== 1) throw new Error(`expected one MoveCall, got ${calls.length}`)
  const call = calls[0]!.MoveCall!
  const args = call.arguments.map((arg): DecodedArg => {
    if (arg.$kind !== 'Input') return { kind: 'other', value: arg }
    const input = data.inputs[arg.Input]!
    if (input.$kind === 'Pure') return { kind: 'pure', bytes: fromBase64(input.Pure.bytes) }
    if (input.$kind === 'Object' && input.Object.$kind === 'SharedObject') {
      const s = input.Object.SharedObject
      return {
        kind: 'shared',
        objectId: s.objectId,
        mutable: s.mutable,
        initialSharedVersion: String(s.initialSharedVersion)
      }
    }
    if (input.$kind === 'Object' && input.Object.$kind === 'ImmOrOwnedObject') {
      return { kind: 'owned', objectId: input.Object.ImmOrOwnedObject.objectId }
    }
    return { kind: 'other', value: input }
  })
  return {
    package: normalizeSuiAddress(call.package),
    module: call.module,
    function: call.function,
    typeArguments: call.typeArguments.map((t) => normalizeStructTag(t)),
    args
  }
}
