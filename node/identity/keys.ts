// One Ed25519 seed is the node's libp2p PeerId and its Sui address.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { blake2b } from '@noble/hashes/blake2.js'
import { KeyError } from '../errors.ts'
import { nodeEd25519 } from './ed25519.ts'

export const SEED_BYTES = 32

export interface NodeIdentity {
  seed: Uint8Array
  publicKey: Uint8Array
  privateKey: PrivateKey
  peerId: string
  suiAddress: string
}

export async function identityFromSeed(seed: Uint8Array): Promise<NodeIdentity> {
  if (seed.length !== SEED_BYTES) throw new KeyError(`key seed must be ${SEED_BYTES} bytes, got ${seed.length}`)
  const privateKey = await generateKeyPairFromSeed('Ed25519', seed)
  return {
    seed,
    publicKey: nodeEd25519.publicKey(seed),
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey).toString(),
    suiAddress: suiAddressOf(nodeEd25519.publicKey(seed))
  }
}

/** Sui address of an Ed25519 key: blake2b-256(0x00 scheme flag || public key). */
export function suiAddressOf(publicKey: Uint8Array): string {
  const digest = blake2b(Uint8Array.of(0x00, ...publicKey), { dkLen: 32 })
  return '0x' + Buffer.from(digest).toString('hex')
}

/** Sui's bech32 `suiprivkey1...` export format (Ed25519 scheme only). */
// @mysten/sui is loaded only here: a running node does not need it in memory.
export async function exportSuiPrivateKey(seed: Uint8Array): Promise<string> {
  const { encodeSuiPrivateKey } = await import('@mysten/sui/cryptography')
  return encodeSuiPrivateKey(seed, 'ED25519')
}

export async function importSuiPrivateKey(text: string): Promise<Uint8Array> {
  const { decodeSuiPrivateKey } = await import('@mysten/sui/cryptography')
  let decoded: ReturnType<typeof decodeSuiPrivateKey>
  try {
    decoded = decodeSuiPrivateKey(text.trim())
  } catch (err) {
    throw new KeyError('not a valid suiprivkey string', { cause: err })
  }
  if (decoded.scheme !== 'ED25519') throw new KeyError(`only ED25519 keys are supported, got ${decoded.scheme}`)
  return decoded.secretKey
}
