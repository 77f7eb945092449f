// The kad-dht wire codec the attack suite's sybils and probes use: the blob
// store's own (node/blobs/kad-wire.ts), so that attacker and defender read
// and write the same bytes.
export { decodeKadMessage, encodeKadMessage, KAD_MESSAGE, type KadMessage, type KadPeer } from '../node/blobs/kad-wire.ts'
