// The few kad-dht wire messages pictor speaks itself (libp2p kad-dht spec,
// `Message` protobuf, varint-length-prefixed on a stream): a GET_PROVIDERS
// request and the provider peers of its reply, for the blob store's provider
// lookup (provider-lookup.ts), and, for the attack suite's sybils, answers
// and forged ADD_PROVIDER records. Hand-written because @libp2p/kad-dht
// does not export its codec; fields other than these are skipped.
import { Uint8ArrayList } from 'uint8arraylist'

export const KAD_MESSAGE = { putValue: 0, getValue: 1, addProvider: 2, getProviders: 3, findNode: 4, ping: 5 } as const

export interface KadPeer {
  /** The peer id's multihash bytes. */
  id: Uint8Array
  /** Binary multiaddrs. */
  addrs: Uint8Array[]
}

export interface KadMessage {
  type: number
  key?: Uint8Array
  closer?: KadPeer[]
  providers?: KadPeer[]
}

const FIELD = { type: 1, key: 2, closer: 8, providers: 9, peerId: 1, peerAddrs: 2 } as const
const VARINT = 0
const BYTES = 2

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

function bytesField(field: number, bytes: Uint8Array): Uint8Array[] {
  return [Uint8Array.from([...varint((field << 3) | BYTES), ...varint(bytes.byteLength)]), bytes]
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8ArrayList(...parts).subarray()
}

function encodePeer(peer: KadPeer): Uint8Array {
  return concat([...bytesField(FIELD.peerId, peer.id), ...peer.addrs.flatMap((a) => bytesField(FIELD.peerAddrs, a))])
}

export function encodeKadMessage(m: KadMessage): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([...varint((FIELD.type << 3) | VARINT), ...varint(m.type)])]
  if (m.key !== undefined) parts.push(...bytesField(FIELD.key, m.key))
  for (const p of m.closer ?? []) parts.push(...bytesField(FIELD.closer, encodePeer(p)))
  for (const p of m.providers ?? []) parts.push(...bytesField(FIELD.providers, encodePeer(p)))
  return concat(parts)
}

/** Reads type, key and the peer lists; other fields are skipped. Throws on a malformed message. */
export function decodeKadMessage(bytes: Uint8Array): KadMessage {
  const msg: KadMessage = { type: 0 }
  for (const [field, value] of fields(bytes)) {
    if (field === FIELD.type && typeof value === 'number') msg.type = value
    else if (field === FIELD.key && value instanceof Uint8Array) msg.key = value
    else if ((field === FIELD.closer || field === FIELD.providers) && value instanceof Uint8Array) {
      const peer: KadPeer = { id: new Uint8Array(), addrs: [] }
      for (const [f, v] of fields(value)) {
        if (f === FIELD.peerId && v instanceof Uint8Array) peer.id = v
        else if (f === FIELD.peerAddrs && v instanceof Uint8Array) peer.addrs.push(v)
      }
      const list = field === FIELD.closer ? 'closer' : 'providers'
      msg[list] ??= []
      msg[list].push(peer)
    }
  }
  return msg
}

function* fields(bytes: Uint8Array): Generator<[number, number | Uint8Array]> {
  let i = 0
  const readVarint = (): number => {
    let n = 0
    for (let shift = 1; ; shift *= 128) {
      if (i >= bytes.byteLength || shift > 2 ** 49) throw new Error('malformed kad message: bad varint')
      const b = bytes[i++]!
      n += (b & 0x7f) * shift
      if ((b & 0x80) === 0) return n
    }
  }
  while (i < bytes.byteLength) {
    const tag = readVarint()
    const wire = tag & 7
    if (wire === VARINT) yield [tag >>> 3, readVarint()]
    else if (wire === BYTES) {
      const len = readVarint()
      if (i + len > bytes.byteLength) throw new Error('malformed kad message: field past the end')
      yield [tag >>> 3, bytes.subarray(i, i + len)]
      i += len
    } else if (wire === 5) i += 4
    else if (wire === 1) i += 8
    else throw new Error(`malformed kad message: wire type ${wire}`)
  }
}
