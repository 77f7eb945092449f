// Bulk transfer over libp2p 3.x streams with bounded memory on both ends.
//
// Writing: `stream.send()` always queues the bytes; returning false only says
// "wait for drain", so a loop that ignores it buffers the whole blob. We wait
// for 'idle' (write buffer empty) once more than `maxBuffered` bytes wait.
//
// Reading: the stream's own async iterator pushes into an unbounded queue and
// can hang when the remote closed before the iterator attached (it listens for
// 'remoteCloseWrite'/'close' events that already fired). This reader checks
// the stream's state instead, and pauses the stream (yamux then stops
// granting send window) while the consumer is behind.

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
  const high = options.highWaterMark ?? MAX_BUFFERED_WRITE_BYTES
  const low = high / 4
  const { signal } = options
  stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, PAUSED_READ_BUFFER_BYTES)
  const queue: Uint8Array[] = []
  let queued = 0
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onMessage = (evt: StreamMessageEvent) => {
    // The pieces as they are: concatenating a message (up to a whole yamux frame) would copy it.
    for (const chunk of evt.data instanceof Uint8Array ? [evt.data] : evt.data) queue.push(chunk)
    queued += evt.data.byteLength
    // Deferred past the consumer's next turn: a frame larger than the mark
    // arrives whole, and a consumer that keeps up drains it in microtasks; a
    // pause then would only stall the sender for a window update's round
    // trip. (Also, this runs inside resume(), which re-grants the yamux window
    // after dispatching: a pause issued here would be undone by it.)
    if (queued >= high && !pauseCheckPending) {
      pauseCheckPending = true
      setImmediate(pauseIfBehind)
    }
    notify()
  }
  let pauseCheckPending = false
  let finished = false
  const pauseIfBehind = () => {
    pauseCheckPending = false
    if (!finished && queued >= high && stream.readStatus === 'readable') stream.pause()
  }
  const onClose = (evt: StreamCloseEvent) => {
    if (evt.error !== undefined) failure = evt.error
    notify()
  }
  stream.addEventListener('message', onMessage)
  stream.addEventListener('close', onClose)
  stream.addEventListener('remoteCloseWrite', notify)
  signal?.addEventListener('abort', notify)
  try {
    while (true) {
      signal?.throwIfAborted()
      if (failure !== undefined) throw failure
      if (stream.status === 'aborted' || stream.status === 'reset') throw new StreamClosedError(`stream ${stream.status}`)
      const chunk = queue.shift()
      if (chunk !== undefined) {
        queued -= chunk.byteLength
        if (queued <= low && stream.readStatus === 'paused') stream.resume()
        yield chunk
        continue
      }
      if (stream.readStatus === 'paused') {
        // resume() hands over what accumulated while paused, synchronously.
        stream.resume()
        if (queue.length > 0) continue
      }
      // State, not events: the remote may have closed before we started listening.
      if (stream.remoteWriteStatus !== 'writable' && stream.readBufferLength === 0) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  } finally {
    finished = true
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('close', onClose)
    stream.removeEventListener('remoteCloseWrite', notify)
    signal?.removeEventListener('abort', notify)
  }
}
