// One Ed25519 seed is the node's libp2p PeerId and its Sui address.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { decodeSuiPrivateKey, encodeSuiPrivateKey } from '@mysten/sui/cryptography'
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519'
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
    suiAddress: Ed25519Keypair.fromSecretKey(seed).toSuiAddress()
  }
}

/** Sui's bech32 `suiprivkey1...` export format (Ed25519 scheme only). */
export function exportSuiPrivateKey(seed: Uint8Array): string {
  return encodeSuiPrivateKey(seed, 'ED25519')
}

export function importSuiPrivateKey(text: string): Uint8Array {
  let decoded: ReturnType<typeof decodeSuiPrivateKey>
  try {
    decoded = decodeSuiPrivateKey(text.trim())
  } catch (err) {
    throw new KeyError('not a valid suiprivkey string', { cause: err })
  }
  if (decoded.scheme !== 'ED25519') throw new KeyError(`only ED25519 keys are supported, got ${decoded.scheme}`)
  return decoded.secretKey
}
