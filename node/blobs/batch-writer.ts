// Where a put's bytes go: hashed as they arrive (the only hash pass), and
// written to the temp file in large batches, one write in flight while the
// next batch fills. A blob arriving as many 64 KiB network messages then
// costs one awaited fs call per batch, and the disk write overlaps with
// receiving. (A worker thread for the hash and writes was tried: it took
// only ~0.25 ms per MiB off the event loop, sha256 being cheap with the CPU's
// SHA extensions, and made a 100 MiB fetch ~15% slower on 2 cores.)
//
// Chunks are copied into buffers the writer owns: a producer may reuse the
// buffer it yielded once it is asked for the next chunk.

import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

export class BatchWriter {
  private readonly fh: FileHandle
  private readonly batchBytes: number
  private readonly hash = createHash('sha256')
  /** Size of the first buffer: a small blob does not get a full batch allocated. */
  private firstBytes: number | undefined
  private batch: Buffer | undefined
  /** The other batch buffer, free again once the write that used it finished. */
  private spare: Buffer | undefined
  private filled = 0
  private position = 0
  /** Never rejects: resolves to the write's error, if it failed. */
  private inFlight: Promise<unknown> | undefined

  /** `expectedBytes`, when known, sizes the first buffer (a hint: more bytes just take more batches). */
  constructor(fh: FileHandle, batchBytes: number, expectedBytes?: number) {
    this.fh = fh
    this.batchBytes = batchBytes
    if (expectedBytes !== undefined) this.firstBytes = Math.max(1, Math.min(batchBytes, expectedBytes))
  }

  /** Hashes and writes a chunk. Returns a promise only when the caller must wait (a full batch behind the previous write), so the common case costs no await. */
  push(chunk: Uint8Array): Promise<void> | undefined {
    this.hash.update(chunk)
    return this.copy(chunk)
  }

  /** Writes what is buffered; resolves to the sha256 (hex) of every byte pushed. */
  async finish(): Promise<string> {
    await this.startWrite()
    const failure = await this.inFlight
    this.inFlight = undefined
    if (failure !== undefined) throw failure
    return this.hash.digest('hex')
  }

  /** After a failure: resolves once no write is running on the file any more (it may then be closed). */
  async cancel(): Promise<void> {
    await this.inFlight
  }

  private copy(chunk: Uint8Array): Promise<void> | undefined {
    let offset = 0
    while (offset < chunk.byteLength) {
      if (this.batch === undefined) {
        this.batch = this.spare ?? Buffer.allocUnsafe(this.firstBytes ?? this.batchBytes)
        this.spare = undefined
        this.firstBytes = undefined
      }
      const n = Math.min(chunk.byteLength - offset, this.batch.byteLength - this.filled)
      this.batch.set(chunk.subarray(offset, offset + n), this.filled)
      this.filled += n
      offset += n
      if (this.filled === this.batch.byteLength) {
        const rest = chunk.subarray(offset)
        const started = this.startWrite()
        return rest.byteLength === 0 ? started : started.then(() => this.copy(rest))
      }
    }
    return undefined
  }

  /** Starts writing the current batch once the previous write is done; rejects with an earlier write's error. */
  private async startWrite(): Promise<void> {
    const previous = await this.inFlight
    this.inFlight = undefined
    if (previous !== undefined) throw previous
    if (this.filled === 0) return
    const batch = this.batch!
    const bytes = batch.subarray(0, this.filled)
    const position = this.position
    this.position += this.filled
    this.batch = undefined
    this.filled = 0
    this.inFlight = writeAll(this.fh, bytes, position).then(
      () => {
        // Only full-size buffers are worth keeping for the next batch.
        if (batch.byteLength === this.batchBytes) this.spare = batch
        return undefined
      },
      (err: unknown) => err ?? new Error('write failed')
    )
  }
}

/** FileHandle.write may write less than asked. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number | null = null): Promise<void> {
  let offset = 0
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.byteLength - offset, position === null ? null : position + offset)
    offset += bytesWritten
  }
}
