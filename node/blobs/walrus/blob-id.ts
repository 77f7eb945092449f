// Walrus blob ids computed locally: the uploader checks the publisher's answer
// against its own, and the embedded server names what it stores. A blob id is
// Blake2b-256 over the Merkle root of the erasure-coded slivers, so it needs
// the whole encoding: ~1.5 s of CPU per call at 1000 shards (Walrus testnet
// and mainnet) whatever the size, ~15-60 ms per MiB at 10-100 shards. It runs
// on one worker thread, so the node's event loop (leases, gossip) never waits
// behind it; calls queue in order.
import { Worker } from 'node:worker_threads'

export const WALRUS_MAINNET_SHARDS = 1000
/** The encoder needs 3f + 1 shards with f >= 1; below that it fails with a Rust ownership error instead of a message. */
export const MIN_SHARDS = 4
export const MAX_SHARDS = 4096

interface Pending {
  resolve(blobId: string): void
  reject(err: Error): void
}

let thread: Worker | undefined
let seq = 0
const pending = new Map<number, Pending>()

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err)
  pending.clear()
  thread = undefined
}

function worker(): Worker {
  if (thread !== undefined) return thread
  const w = new Worker(new URL('./blob-id-thread.ts', import.meta.url))
  w.on('message', (m: { seq: number; blobId?: string; error?: string }) => {
    const p = pending.get(m.seq)
    if (p === undefined) return
    pending.delete(m.seq)
    if (m.blobId !== undefined) p.resolve(m.blobId)
    else p.reject(new Error(`walrus blob id: ${m.error}`))
    if (pending.size === 0) w.unref()
  })
  w.on('error', (err) => failAll(err))
  w.on('exit', (code) => failAll(new Error(`walrus blob id thread exited (${code})`)))
  w.unref()
  thread = w
  return w
}

/**
 * Starts the thread and loads the encoder now, with one tiny id, so the
 * first real call does not wait for them. Starting a thread and loading the
 * encoder took ~0.4-0.6 s of CPU per process (profiles of `npm start`),
 * which a node paid at its first publish, in the middle of its first task.
 * A failure here shows again at the first real call.
 */
export function warmBlobIds(): void {
  computeWalrusBlobId(new Uint8Array(1), MIN_SHARDS).catch(() => {})
}

/** The Walrus blob id of `bytes` for a network of `shards` shards. */
export function computeWalrusBlobId(bytes: Uint8Array, shards: number): Promise<string> {
  if (!Number.isInteger(shards) || shards < MIN_SHARDS || shards > MAX_SHARDS) return Promise.reject(new RangeError(`shards must be ${MIN_SHARDS} to ${MAX_SHARDS}, got ${shards}`))
  const w = worker()
  const id = ++seq
  return new Promise<string>((resolve, reject) => {
    pending.set(id, { resolve, reject })
    w.ref()
    w.postMessage({ seq: id, bytes, shards })
  })
}
