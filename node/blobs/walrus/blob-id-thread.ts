// The thread behind blob-id.ts: computes Walrus blob ids with the RedStuff
// encoder that @mysten/walrus itself calls (its wasm package,
// `BlobEncoder.compute_metadata`), without the SDK's client around it: the
// client is for reaching a network, and loading it cost this thread four
// times the CPU of the encoder alone. The unit tests check every id against
// @mysten/walrus's `computeBlobMetadata`.
import { parentPort } from 'node:worker_threads'
import { BlobEncoder } from '@mysten/walrus-wasm'

interface Job {
  seq: number
  bytes: Uint8Array
  shards: number
}

/** A blob id is a little-endian u256, written as unpadded base64url. */
function blobIdOf(bytes: Uint8Array, shards: number): string {
  const encoder = new BlobEncoder(shards)
  try {
    const [id] = encoder.compute_metadata(bytes) as [ArrayLike<number>, ...unknown[]]
    if (id?.length !== 32) throw new Error('the encoder gave no 32-byte blob id')
    return Buffer.from(Uint8Array.from(id)).toString('base64url')
  } finally {
    encoder.free()
  }
}

parentPort?.on('message', ({ seq, bytes, shards }: Job) => {
  try {
    parentPort?.postMessage({ seq, blobId: blobIdOf(bytes, shards) })
  } catch (err) {
    parentPort?.postMessage({ seq, error: (err as Error).message ?? String(err) })
  }
})
