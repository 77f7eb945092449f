// The floor of a blob fetch: the work any fetch of a content-addressed
// file must do, written with Node's own primitives and no pictor code. The
// sender reads the file in BLOB_CHUNK_BYTES pieces and sends them over one
// plain libp2p stream (paced like the blob server); the receiver hashes
// every byte with sha256, writes them to a new file in writes of at least
// BLOB_CHUNK_BYTES, fsyncs it and checks the digest. What a blob fetch
// costs beyond this is the blob protocol and the store.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Libp2p } from '@libp2p/interface'
import { BLOB_CHUNK_BYTES } from '../../../node/blobs/index.ts'
import { sendPaced } from '../../../node/blobs/stream-io.ts'

const PROTOCOL = '/pictor-bench/file-sink/1.0.0'

/** The receiving end: each stream becomes one file under `dir`, kept only if its sha256 is the expected one. */
export async function serveFileSink(libp2p: Libp2p, dir: string, expectedSha256: () => string): Promise<void> {
  let files = 0
  await libp2p.handle(PROTOCOL, async (stream) => {
    const fh = await open(join(dir, `floor-${files++}`), 'wx')
    try {
      const hash = createHash('sha256')
      let pending: Uint8Array[] = []
      let pendingBytes = 0
      let offset = 0
      const flush = async () => {
        const { bytesWritten } = await fh.writev(pending, offset)
        if (bytesWritten !== pendingBytes) throw new Error(`short write: ${bytesWritten} of ${pendingBytes} bytes`)
        offset += pendingBytes
        pending = []
        pendingBytes = 0
      }
      for await (const chunk of stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
        hash.update(bytes)
        pending.push(bytes)
        pendingBytes += bytes.byteLength
        if (pendingBytes >= BLOB_CHUNK_BYTES) await flush()
      }
      if (pendingBytes > 0) await flush()
      await fh.sync()
      if (hash.digest('hex') !== expectedSha256()) throw new Error('floor transfer: digest mismatch')
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    } finally {
      await fh.close()
    }
  })
}

/** The sending end: the file at `path`, read and sent BLOB_CHUNK_BYTES at a time. */
export async function sendFile(from: Libp2p, to: Libp2p, path: string): Promise<void> {
  const fh = await open(path, 'r')
  try {
    const stream = await from.dialProtocol(to.peerId, PROTOCOL)
    for (;;) {
      const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(BLOB_CHUNK_BYTES), 0, BLOB_CHUNK_BYTES, null)
      if (bytesRead === 0) break
      await sendPaced(stream, buffer.subarray(0, bytesRead))
    }
    // close() resolves once the receiver has checked the digest and closed its side.
    await stream.close()
  } finally {
    await fh.close()
  }
}
