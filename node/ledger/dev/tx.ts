// Signed dev-ledger transactions. A node signs, with its Ed25519 node key,
//   UTF-8 "pictor/v1/ledger-tx" || 0x00 || canonicalJson({ from, publicKey, nonce, chainId, call, args })
// The domain prefix keeps a ledger signature from ever being valid as a
// gossip envelope or any other signed message; the chain id (genesis hash)
// keeps a transaction signed for one devchain from replaying on another.
import { blake2b } from '@noble/hashes/blake2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { LedgerError } from '../errors.ts'
import { type Call, type CallName, decodeCall, encodeCall, isAddress, isHex32, type WireArgs } from './calls.ts'
import { canonicalJson } from './canonical-json.ts'
import type { StateTx } from './state.ts'

export const TX_DOMAIN = 'pictor/v1/ledger-tx\0'
const MINT_DOMAIN = 'pictor/v1/ledger-mint\0'

export interface SignedTx {
  from: string
  /** Hex Ed25519 public key; `from` must be its Sui address. */
  publicKey: string
  nonce: number
  chainId: string
  call: CallName
  args: WireArgs
  /** Hex Ed25519 signature over txSigningBytes(). */
  signature: string
}

export type UnsignedTx = Omit<SignedTx, 'signature'>

const utf8 = (s: string) => new TextEncoder().encode(s)
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Sui address of an Ed25519 key: blake2b-256(0x00 flag || public key). */
export function suiAddressOf(publicKey: Uint8Array): string {
  const input = new Uint8Array(33)
  input.set(publicKey, 1)
  return '0x' + hex(blake2b(input, { dkLen: 32 }))
}

export function txSigningBytes(tx: UnsignedTx): Uint8Array {
  const { from, publicKey, nonce, chainId, call, args } = tx
  return utf8(TX_DOMAIN + canonicalJson({ from, publicKey, nonce, chainId, call, args }))
}

export function signTx(seed: Uint8Array, chainId: string, nonce: number, call: Call): SignedTx {
  const publicKey = nodeEd25519.publicKey(seed)
  const unsigned: UnsignedTx = { from: suiAddressOf(publicKey), publicKey: hex(publicKey), nonce, chainId, ...encodeCall(call) }
  return { ...unsigned, signature: hex(nodeEd25519.sign(seed, txSigningBytes(unsigned))) }
}

/** Identifies a signed transaction; distinct per (sender, nonce, chain). */
export function txDigest(tx: SignedTx): string {
  return hex(sha256(utf8(canonicalJson(tx))))
}

/** A faucet mint has no signer; the previous block hash makes each one distinct. */
export function mintDigest(address: string, amount: bigint, prevHash: string): string {
  return hex(sha256(utf8(MINT_DOMAIN + canonicalJson({ address, amount: amount.toString(), prevHash }))))
}

const SIGNED_KEYS = ['args', 'call', 'chainId', 'from', 'nonce', 'publicKey', 'signature']
const HEX64 = /^[0-9a-f]{64}$/
const HEX128 = /^[0-9a-f]{128}$/

/**
 * Checks a transaction from the wire: shape (EMalformed), chain id and
 * signature and that `from` is the key's address (EBadSignature). Returns it
 * as the state machine's input; the nonce is checked there, against state.
 */
export function verifyTx(raw: unknown, chainId: string): { tx: SignedTx; stateTx: StateTx } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LedgerError('EMalformed', 'a transaction is a JSON object')
  const t = raw as Record<string, unknown>
  const extra = Object.keys(t).find((k) => !SIGNED_KEYS.includes(k))
  if (extra !== undefined) throw new LedgerError('EMalformed', `unexpected transaction field ${extra}`)
  if (t.signature === undefined || t.signature === '') throw new LedgerError('EBadSignature', 'transaction is unsigned')
  if (typeof t.signature !== 'string' || !HEX128.test(t.signature)) throw new LedgerError('EBadSignature', 'signature must be 128 hex characters')
  if (typeof t.publicKey !== 'string' || !HEX64.test(t.publicKey)) throw new LedgerError('EMalformed', 'publicKey must be 64 hex characters')
  if (!isAddress(t.from)) throw new LedgerError('EMalformed', 'from must be a Sui address')
  if (!Number.isSafeInteger(t.nonce) || (t.nonce as number) < 1) throw new LedgerError('EMalformed', 'nonce must be a positive integer')
  if (!isHex32(t.chainId)) throw new LedgerError('EMalformed', 'chainId must be 64 hex characters')
  const call = decodeCall(t.call, t.args)
  const tx = t as unknown as SignedTx
  // A wrong chain is a signature problem: the signer did not sign for this ledger.
  if (tx.chainId !== chainId) throw new LedgerError('EBadSignature', `transaction is for chain ${tx.chainId}, this is ${chainId}`)
  const publicKey = Buffer.from(tx.publicKey, 'hex')
  if (suiAddressOf(publicKey) !== tx.from) throw new LedgerError('EBadSignature', `from ${tx.from} is not the address of the signing key`)
  if (!nodeEd25519.verify(publicKey, txSigningBytes(tx), Buffer.from(tx.signature, 'hex'))) throw new LedgerError('EBadSignature', 'signature does not verify')
  return { tx, stateTx: { kind: 'call', sender: tx.from, nonce: tx.nonce, call } }
}
