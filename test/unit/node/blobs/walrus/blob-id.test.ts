// Walrus blob ids as the node computes them (the encoder alone, on its
// thread) against @mysten/walrus's own computeBlobMetadata, the reference:
// sizes across the encoder's symbol-size steps and shard counts from tiny
// networks to Walrus mainnet's.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SuiGrpcClient } from '@mysten/sui/grpc'
import { WalrusClient } from '@mysten/walrus'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeWalrusBlobId, MAX_SHARDS, MIN_SHARDS, warmBlobIds } from '../../../../../node/blobs/walrus/blob-id.ts'

// Never asked to reach a network: numShards is given.
const reference = new WalrusClient({ network: 'testnet', suiClient: new SuiGrpcClient({ baseUrl: 'http://127.0.0.1:9', network: 'testnet' }) })
const referenceId = async (bytes: Uint8Array, shards: number) => (await reference.computeBlobMetadata({ bytes, numShards: shards })).blobId

describe('walrus blob ids', () => {
  it('match @mysten/walrus for any bytes and shard count (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 70_000 }), fc.integer({ min: 4, max: 120 }), async (bytes, shards) => {
        expect(await computeWalrusBlobId(bytes, shards)).toBe(await referenceId(bytes, shards))
      }),
      { numRuns: 25 }
    )
  })

  it('match @mysten/walrus at 1000 shards, and give the golden id', async () => {
    const golden = new TextEncoder().encode('some other string')
    expect(await computeWalrusBlobId(golden, 1000)).toBe('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk')
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251)
    expect(await computeWalrusBlobId(bytes, 1000)).toBe(await referenceId(bytes, 1000))
  }, 30_000)

  it('can be warmed up front: the warm thread does not hold its process open, and ids are unchanged', async () => {
    const module = fileURLToPath(new URL('../../../../../node/blobs/walrus/blob-id.ts', import.meta.url))
    // A worker thread inherits the parent's flags, so the child imports the module from plain `-e`.
    const child = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(module)}).then((m) => m.warmBlobIds())`], { timeout: 20_000 })
    expect(child.status).toBe(0)
    warmBlobIds()
    const golden = new TextEncoder().encode('some other string')
    expect(await computeWalrusBlobId(golden, 1000)).toBe('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk')
  }, 30_000)

  it('refuse a shard count out of range, before any encoding', async () => {
    await expect(computeWalrusBlobId(new Uint8Array(1), 0)).rejects.toThrow(RangeError)
    // The encoder needs at least 4 (3f + 1, f >= 1): 3 is refused with a message, not the encoder's Rust error.
    await expect(computeWalrusBlobId(new Uint8Array(1), MIN_SHARDS - 1)).rejects.toThrow(`shards must be ${MIN_SHARDS} to ${MAX_SHARDS}, got 3`)
    expect(await computeWalrusBlobId(new Uint8Array(1), MIN_SHARDS)).toBe(await referenceId(new Uint8Array(1), MIN_SHARDS))
    await expect(computeWalrusBlobId(new Uint8Array(1), MAX_SHARDS + 1)).rejects.toThrow(RangeError)
  })
})
