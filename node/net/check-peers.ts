// The peers this node knows serve /pictor/check/1.0.0, as Ed25519 public
// keys (hex, sorted): the candidate list that R102 selection ranks. The
// creator picks checkers from it; a checker ranks itself in it (R103f).
import { CHECK_PROTOCOL, ED25519_PUBLIC_KEY_BYTES, toHex } from '../../protocol/index.ts'
import type { PictorLibp2p } from './host.ts'

export async function checkPeerKeys(libp2p: Pick<PictorLibp2p, 'peerStore'>): Promise<string[]> {
  const keys: string[] = []
  for (const peer of await libp2p.peerStore.all()) {
    const key = peer.id.publicKey
    if (peer.protocols.includes(CHECK_PROTOCOL) && key?.type === 'Ed25519' && key.raw.byteLength === ED25519_PUBLIC_KEY_BYTES) keys.push(toHex(key.raw))
  }
  return keys.sort()
}
