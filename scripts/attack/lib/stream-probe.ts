// One attack stream on a custom protocol: open it, write what the attack
// writes (raw bytes: the caller frames them, or breaks the framing on
// purpose), and watch how the node ends it. A node refuses a message by
// answering with a refusal code (one whole length-prefixed reply: the
// stream may then stay open for a next request), or by closing or resetting
// the stream; a stream still open, unanswered, when the probe stops waiting
// was held.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { BLOB_CODES, CHECK_CODES, decode, REPLY_CODES } from '../../../protocol/index.ts'
import { sleep } from './hosts.ts'

export type ProbeOutcome =
  /** The node wrote a whole reply, or wrote something and ended the stream; `bytes` is what it wrote. */
  | { kind: 'answered'; bytes: Uint8Array; ms: number }
  /** Ended (closed or reset) without a byte. */
  | { kind: 'ended'; ms: number }
  /** The stream could not even be opened: the connection or the protocol was refused. */
  | { kind: 'unreachable'; reason: string; ms: number }
  /** Still open when the probe stopped waiting. */
  | { kind: 'held'; ms: number }

/** What the attacker does with an open stream; resolves when it is done writing (or runs until `signal`). */
export type StreamWriter = (stream: Stream, signal: AbortSignal) => Promise<void>

export function sendOnce(bytes: Uint8Array): StreamWriter {
  return async (stream) => {
    if (!stream.send(bytes)) await stream.onDrain().catch(() => {})
  }
}

export interface ProbeOptions {
  /** Give up waiting for the node after this long (the outcome is then `held`). */
  waitMs: number
  dialTimeoutMs?: number
  /** Read to the stream's end even after a whole reply (a blob transfer: the header, then the bytes). */
  wholeStream?: boolean
}

export async function probeStream(libp2p: Pick<Libp2p, 'dialProtocol'>, peer: PeerId | Multiaddr, protocol: string, write: StreamWriter, options: ProbeOptions): Promise<ProbeOutcome> {
  const start = performance.now()
  const ms = () => Math.round(performance.now() - start)
  let stream: Stream
  try {
    stream = await libp2p.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(options.dialTimeoutMs ?? 5_000) })
  } catch (err) {
    return { kind: 'unreachable', reason: (err as Error).message, ms: ms() }
  }
  const chunks: Uint8Array[] = []
  // A whole length-prefixed reply ends the exchange: request/response streams stay open for the next request (node/net/rpc.ts).
  const iterated = (async () => {
    try {
      for await (const chunk of stream) {
        chunks.push(chunk.subarray())
        if (!options.wholeStream && splitFrame(concatChunks(chunks)) !== undefined) return
      }
    } catch {}
  })()
  // The iterator can miss an end that came before it attached (node/blobs/stream-io.ts): the events say so too.
  const closed = new Promise<void>((resolve) => {
    stream.addEventListener('close', () => resolve(), { once: true })
    stream.addEventListener('remoteCloseWrite', () => resolve(), { once: true })
    if (stream.status !== 'open' || stream.readableEnded) resolve()
  })
  const ended = Promise.race([iterated, closed.then(() => Promise.race([iterated, sleep(100)]))])
  const writing = new AbortController()
  void write(stream, writing.signal).catch(() => {})
  let timer: ReturnType<typeof setTimeout> | undefined
  const held = new Promise<'held'>((resolve) => {
    timer = setTimeout(() => resolve('held'), options.waitMs)
  })
  const result = await Promise.race([ended.then(() => 'ended' as const), held])
  clearTimeout(timer)
  writing.abort()
  if (result === 'held') {
    stream.abort(new Error('probe done'))
    return { kind: 'held', ms: ms() }
  }
  if (stream.status === 'open') stream.abort(new Error('probe done'))
  const bytes = concatChunks(chunks)
  return bytes.byteLength > 0 ? { kind: 'answered', bytes, ms: ms() } : { kind: 'ended', ms: ms() }
}

function concatChunks(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** Unsigned LEB128, as libp2p's length prefixes are written. */
export function varint(value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Uint8Array.from(out)
}

/** A varint length prefix and the bytes: one length-prefixed message. */
export function framed(bytes: Uint8Array): Uint8Array {
  const prefix = varint(bytes.byteLength)
  const out = new Uint8Array(prefix.byteLength + bytes.byteLength)
  out.set(prefix)
  out.set(bytes, prefix.byteLength)
  return out
}

/** The first length-prefixed message of `bytes` and what follows it, or undefined when there is none. */
export function splitFrame(bytes: Uint8Array): { frame: Uint8Array; rest: Uint8Array } | undefined {
  let length = 0
  let scale = 1
  for (let i = 0; i < Math.min(bytes.byteLength, 8); i++) {
    length += (bytes[i]! & 0x7f) * scale
    scale *= 0x80
    if (bytes[i]! >= 0x80) continue
    const end = i + 1 + length
    return bytes.byteLength >= end ? { frame: bytes.subarray(i + 1, end), rest: bytes.subarray(end) } : undefined
  }
  return undefined
}

export type ProtocolKind = 'task' | 'check' | 'blob'

/** True when the node's answer says yes (TaskReply ok, CheckReply ok, BlobHeader ok): a malformed request must never get that. */
export function answeredYes(kind: ProtocolKind, outcome: ProbeOutcome): boolean {
  if (outcome.kind !== 'answered') return false
  const frame = splitFrame(outcome.bytes)?.frame
  if (frame === undefined) return false
  try {
    if (kind === 'task') return decode('TaskReply', frame).code === REPLY_CODES.ok
    if (kind === 'check') return decode('CheckReply', frame).code === CHECK_CODES.ok
    return decode('BlobHeader', frame).code === BLOB_CODES.ok
  } catch {
    return false
  }
}

/** The endless writers: a stream that never finishes its request. */
export const ENDLESS: Record<string, StreamWriter> = {
  /** Opens the stream and sends nothing. */
  silent: async () => {},
  /** Announces a 60,000-byte message and sends one byte of it every 500 ms. */
  trickle: async (stream, signal) => {
    stream.send(varint(60_000))
    while (!signal.aborted && stream.status === 'open') {
      stream.send(new Uint8Array([0x2a]))
      await sleep(500)
    }
  },
  /** A length prefix whose varint never ends (0x80 bytes), 1 KiB every 100 ms. */
  'endless-varint': async (stream, signal) => {
    const chunk = new Uint8Array(1024).fill(0x80)
    while (!signal.aborted && stream.status === 'open') {
      stream.send(chunk)
      await sleep(100)
    }
  },
  /** Announces 1 GiB and sends it as fast as the stream takes it (at most 64 MiB). */
  'oversize-flood': async (stream, signal) => {
    stream.send(varint(1024 * 1024 * 1024))
    const chunk = new Uint8Array(64 * 1024).fill(7)
    for (let sent = 0; sent < 64 * 1024 * 1024 && !signal.aborted && stream.status === 'open'; sent += chunk.byteLength) {
      if (!stream.send(chunk)) await stream.onDrain({ signal }).catch(() => {})
    }
  }
}
