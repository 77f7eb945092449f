// Bulk transfer over libp2p 3.x streams with bounded memory on both ends.
//
// Writing: `stream.send()` always queues the bytes; returning false only says
// "wait for drain", so a loop that ignores it buffers the whole blob. We wait
// for 'idle' (write buffer empty) once more than `maxBuffered` bytes wait.
//
// Reading: the stream's own async iterator pushes into an unbounded queue and
// can hang when the remote closed before the iterator attached (it listens for
// 'remoteCloseWrite'/'close' events that already fired). StreamReader checks
// the stream's state instead, and pauses the stream (yamux then stops
// granting send window) while the consumer is behind. It reads one stream
// for its whole life, length-prefixed messages and raw runs alike, so a
// stream can carry one exchange after another (/pictor/blob/1.1.0).

import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { PictorError } from '../errors.ts'

/** Pacing threshold for writers (FIELD-NOTES: ~1 MiB costs ~15% throughput, bounds memory). */
export const MAX_BUFFERED_WRITE_BYTES = 1024 * 1024

/**
 * While paused, data already granted by the yamux window (up to its 16 MiB
 * default maximum) still lands in the stream's read buffer, whose default
 * 4 MiB cap would abort the stream: the cap must exceed the window.
 */
const PAUSED_READ_BUFFER_BYTES = 32 * 1024 * 1024

export class StreamClosedError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STREAM_CLOSED', message, options)
  }
}

export interface PacedSendOptions {
  signal?: AbortSignal
  maxBuffered?: number
}

export async function sendPaced(stream: Stream, chunk: Uint8Array, options: PacedSendOptions = {}): Promise<void> {
  stream.send(chunk)
  if (stream.writeBufferLength > (options.maxBuffered ?? MAX_BUFFERED_WRITE_BYTES)) await waitForIdle(stream, options.signal)
}

/** `message` behind its unsigned-varint length, in one array: one send, one frame. */
export function lengthPrefixed(message: Uint8Array): Uint8Array {
  const prefix: number[] = []
  let n = message.byteLength
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 0x80)
  }
  prefix.push(n)
  const out = new Uint8Array(prefix.length + message.byteLength)
  out.set(prefix)
  out.set(message, prefix.length)
  return out
}

/** Resolves when the write buffer is empty; rejects if the stream closes first or the signal aborts. */
export function waitForIdle(stream: Stream, signal?: AbortSignal): Promise<void> {
  if (stream.writeBufferLength === 0) return Promise.resolve()
  signal?.throwIfAborted()
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.removeEventListener('idle', onIdle)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const onIdle = () => {
      cleanup()
      resolve()
    }
    const onClose = (evt: StreamCloseEvent) => {
      cleanup()
      reject(evt.error ?? new StreamClosedError('stream closed while writing'))
    }
    const onAbort = () => {
      cleanup()
      reject(signal?.reason)
    }
    stream.addEventListener('idle', onIdle)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}

export interface ReadChunksOptions {
  signal?: AbortSignal
  /** Pause the stream once this many received bytes wait for the consumer. */
  highWaterMark?: number
}

/** Yields the stream's bytes until the remote closes its write end; throws on reset or abort. */
export async function* readChunks(stream: Stream, options: ReadChunksOptions = {}): AsyncGenerator<Uint8Array> {
  const reader = new StreamReader(stream, options)
  try {
    yield* reader.rest(options.signal)
  } finally {
    reader.dispose()
  }
}

/** A length prefix that is not an unsigned varint, or announces more than the reader accepts. */
export class MessageLengthError extends PictorError {
  constructor(message: string) {
    super('ERR_MESSAGE_LENGTH', message)
  }
}

/** The remote ended its write side cleanly before the bytes the reader needed. */
export class UnexpectedEndError extends PictorError {
  /** Bytes of the wanted run that did arrive. */
  readonly received: number
  constructor(message: string, received: number) {
    super('ERR_UNEXPECTED_END', message)
    this.received = received
  }
}

/**
 * Reads one stream for its whole life, across exchanges: length-prefixed
 * messages and runs of raw bytes, in any order. Bytes are queued as they
 * arrive, in the pieces they came in, and the stream is paused while more
 * than `highWaterMark` wait for the consumer. Call dispose() when done.
 */
export class StreamReader {
  private readonly stream: Stream
  private readonly high: number
  private readonly low: number
  private readonly queue: Uint8Array[] = []
  private queued = 0
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private pauseCheckPending = false
  private disposed = false

  constructor(stream: Stream, options: { highWaterMark?: number } = {}) {
    this.stream = stream
    this.high = options.highWaterMark ?? MAX_BUFFERED_WRITE_BYTES
    this.low = this.high / 4
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, PAUSED_READ_BUFFER_BYTES)
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('close', this.onClose)
    stream.addEventListener('remoteCloseWrite', this.notify)
  }

  /** Bytes received and not yet read: on a stream between exchanges, bytes nobody asked for. */
  get buffered(): number {
    return this.queued + this.stream.readBufferLength
  }

  dispose(): void {
    this.disposed = true
    this.stream.removeEventListener('message', this.onMessage)
    this.stream.removeEventListener('close', this.onClose)
    this.stream.removeEventListener('remoteCloseWrite', this.notify)
    this.notify()
  }

  /**
   * One unsigned-varint length-prefixed message of at most `maxLength`
   * bytes, or undefined when the remote ended its write side cleanly before
   * the message began.
   */
  async message(maxLength: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const maxPrefixBytes = Math.max(1, Math.ceil(Math.log2(maxLength + 1) / 7))
    let length = 0
    let prefixBytes = 0
    while (true) {
      if (!(await this.fill(prefixBytes + 1, signal))) {
        if (prefixBytes === 0 && this.queued === 0) return undefined
        throw new UnexpectedEndError('stream ended inside a message length', this.queued)
      }
      const byte = this.peek(prefixBytes)
      length += (byte & 0x7f) * 2 ** (7 * prefixBytes)
      prefixBytes++
      if (byte < 0x80) break
      if (prefixBytes >= maxPrefixBytes) throw new MessageLengthError(`message length prefix longer than ${maxPrefixBytes} bytes`)
    }
    if (length > maxLength) throw new MessageLengthError(`message of ${length} bytes, over the limit of ${maxLength}`)
    this.take(prefixBytes)
    if (!(await this.fill(length, signal))) throw new UnexpectedEndError(`stream ended after ${this.queued} of a ${length}-byte message`, this.queued)
    return this.take(length)
  }

  /** Exactly `count` raw bytes, in the pieces they arrived in; UnexpectedEndError if the remote ends first. */
  async *bytes(count: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    let left = count
    while (left > 0) {
      const chunk = await this.next(left, signal)
      if (chunk === undefined) throw new UnexpectedEndError(`stream ended after ${count - left} of ${count} bytes`, count - left)
      left -= chunk.byteLength
      yield chunk
    }
  }

  /** Everything until the remote ends its write side; throws on reset or abort. */
  async *rest(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    while (true) {
      const chunk = await this.next(Number.POSITIVE_INFINITY, signal)
      if (chunk === undefined) return
      yield chunk
    }
  }

  /** The next piece, at most `max` bytes (the rest of a longer piece stays queued); undefined at a clean end. */
  private async next(max: number, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
    if (!(await this.fill(1, signal))) return undefined
    const head = this.queue[0]!
    if (head.byteLength <= max) {
      this.queue.shift()
      this.consumed(head.byteLength)
      return head
    }
    this.queue[0] = head.subarray(max)
    this.consumed(max)
    return head.subarray(0, max)
  }

  /** Waits until `count` bytes are queued (true) or the remote ended cleanly short of them (false). */
  private async fill(count: number, signal: AbortSignal | undefined): Promise<boolean> {
    while (true) {
      signal?.throwIfAborted()
      if (this.failure !== undefined) throw this.failure
      if (this.stream.status === 'aborted' || this.stream.status === 'reset') throw new StreamClosedError(`stream ${this.stream.status}`)
      if (this.queued >= count) return true
      if (this.disposed) throw new StreamClosedError('stream reader disposed')
      if (this.stream.readStatus === 'paused') {
        // resume() hands over what accumulated while paused, synchronously.
        this.stream.resume()
        if (this.queued >= count) return true
      }
      // State, not events: the remote may have closed before we started listening.
      if (this.stream.remoteWriteStatus !== 'writable' && this.stream.readBufferLength === 0) return false
      await this.wait(signal)
    }
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done)
        resolve()
      }
      this.wake = done
      signal?.addEventListener('abort', done)
    })
  }

  /** Byte `index` of the queue; the caller made sure it is there. */
  private peek(index: number): number {
    let at = index
    for (const chunk of this.queue) {
      if (at < chunk.byteLength) return chunk[at]!
      at -= chunk.byteLength
    }
    throw new RangeError('peek past the queued bytes')
  }

  /** The first `count` queued bytes as one array (a view when they lie in one piece). */
  private take(count: number): Uint8Array {
    const head = this.queue[0]
    if (count === 0) return new Uint8Array(0)
    if (head !== undefined && head.byteLength >= count) {
      if (head.byteLength === count) this.queue.shift()
      else this.queue[0] = head.subarray(count)
      this.consumed(count)
      return head.subarray(0, count)
    }
    const out = new Uint8Array(count)
    let filled = 0
    while (filled < count) {
      const chunk = this.queue[0]!
      const n = Math.min(chunk.byteLength, count - filled)
      out.set(n === chunk.byteLength ? chunk : chunk.subarray(0, n), filled)
      filled += n
      if (n === chunk.byteLength) this.queue.shift()
      else this.queue[0] = chunk.subarray(n)
    }
    this.consumed(count)
    return out
  }

  private consumed(count: number): void {
    this.queued -= count
    if (this.queued <= this.low && this.stream.readStatus === 'paused') this.stream.resume()
  }

  private readonly notify = (): void => {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  private readonly onMessage = (evt: StreamMessageEvent): void => {
    // The pieces as they are: concatenating a message (up to a whole yamux frame) would copy it.
    if (evt.data instanceof Uint8Array) this.queue.push(evt.data)
    else for (const chunk of evt.data) this.queue.push(chunk)
    this.queued += evt.data.byteLength
    // Deferred past the consumer's next turn: a frame larger than the mark
    // arrives whole, and a consumer that keeps up drains it in microtasks; a
    // pause then would only stall the sender for a window update's round
    // trip. (Also, this runs inside resume(), which re-grants the yamux window
    // after dispatching: a pause issued here would be undone by it.)
    if (this.queued >= this.high && !this.pauseCheckPending) {
      this.pauseCheckPending = true
      setImmediate(this.pauseIfBehind)
    }
    this.notify()
  }

  private readonly pauseIfBehind = (): void => {
    this.pauseCheckPending = false
    if (!this.disposed && this.queued >= this.high && this.stream.readStatus === 'readable') this.stream.pause()
  }

  private readonly onClose = (evt: StreamCloseEvent): void => {
    if (evt.error !== undefined) this.failure = evt.error
    this.notify()
  }
}
