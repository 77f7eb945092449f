// The walrus-dev server's disk: DIR/walrus-dev.json (marker: shard count and
// genesis time, so ids and epochs survive a restart), DIR/blobs/<hex id>
// (the bytes) and DIR/objects/<hex id>.json (the Sui blob objects that
// certify them). Every file is written whole (temp + rename), bytes before
// objects, so a crash leaves either a readable blob or none.
import { access, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UserError } from '../errors.ts'
import type { Logger } from '../log.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { blobFileName, isBlobId } from './wire.ts'

const MARKER_FILE = 'walrus-dev.json'
const MARKER_FORMAT = 'pictor-walrus-dev'

/** One Sui `Blob` object (with its `Storage`), as a publisher creates it. */
export interface BlobObjectRecord {
  objectId: string
  storageId: string
  registeredEpoch: number
  certifiedEpoch: number
  startEpoch: number
  /** Exclusive: the blob is readable while the current epoch is below it. */
  endEpoch: number
  deletable: boolean
  txDigest: string
  /** The `SharedBlob` wrapping it, for `share=true`. */
  sharedObjectId?: string
  /** `send_object_to`; absent means the publisher kept it. */
  owner?: string
}

export interface StoredBlob {
  blobId: string
  size: number
  objects: BlobObjectRecord[]
}

interface Marker {
  format: typeof MARKER_FORMAT
  version: 1
  shards: number
  genesisMs: number
}

export class WalrusDevStore {
  readonly dir: string
  readonly genesisMs: number
  private readonly blobs = new Map<string, StoredBlob>()
  private readonly objects = new Map<string, string>()
  /** Writes run one at a time: two stores of one blob must not lose an object. */
  private writes: Promise<unknown> = Promise.resolve()

  private constructor(dir: string, genesisMs: number) {
    this.dir = dir
    this.genesisMs = genesisMs
  }

  static async open(init: { dir: string; shards: number; now: number; logger: Logger }): Promise<WalrusDevStore> {
    const dir = resolve(init.dir)
    await mkdir(dir, { recursive: true })
    const marker = await readMarker(dir, init.shards, init.now)
    const store = new WalrusDevStore(dir, marker.genesisMs)
    await mkdir(join(dir, 'blobs'), { recursive: true })
    await mkdir(join(dir, 'objects'), { recursive: true })
    await store.load(init.logger)
    return store
  }

  get(blobId: string): StoredBlob | undefined {
    return this.blobs.get(blobId)
  }

  /** The blob behind a `Blob` or `SharedBlob` object id. */
  byObjectId(objectId: string): { blob: StoredBlob; object: BlobObjectRecord } | undefined {
    const blob = this.blobs.get(this.objects.get(objectId.toLowerCase()) ?? '')
    const object = blob?.objects.find((o) => o.objectId === objectId.toLowerCase() || o.sharedObjectId === objectId.toLowerCase())
    return blob && object ? { blob, object } : undefined
  }

  bytesPath(blobId: string): string {
    return join(this.dir, 'blobs', blobFileName(blobId))
  }

  /** Keeps `bytes` under `blobId` (once) and records a new object for them. */
  add(blobId: string, bytes: Uint8Array, object: BlobObjectRecord): Promise<StoredBlob> {
    const write = this.writes.then(async () => {
      const path = this.bytesPath(blobId)
      if (!(await exists(path))) await writeFileAtomic(path, bytes)
      const before = this.blobs.get(blobId)
      const next: StoredBlob = { blobId, size: bytes.length, objects: [...(before?.objects ?? []), object] }
      await writeFileAtomic(join(this.dir, 'objects', `${blobFileName(blobId)}.json`), JSON.stringify(next) + '\n')
      this.blobs.set(blobId, next)
      this.index(next)
      return next
    })
    this.writes = write.catch(() => undefined)
    return write
  }

  private index(blob: StoredBlob): void {
    for (const o of blob.objects) {
      this.objects.set(o.objectId, blob.blobId)
      if (o.sharedObjectId !== undefined) this.objects.set(o.sharedObjectId, blob.blobId)
    }
  }

  private async load(logger: Logger): Promise<void> {
    for (const sub of ['blobs', 'objects']) {
      // Temp files of a write cut short by a crash: never renamed, never read.
      for (const name of await readdir(join(this.dir, sub))) if (name.startsWith('.') && name.endsWith('.tmp')) await rm(join(this.dir, sub, name), { force: true })
    }
    for (const name of await readdir(join(this.dir, 'objects'))) {
      if (!name.endsWith('.json')) continue
      try {
        const blob = JSON.parse(await readFile(join(this.dir, 'objects', name), 'utf8')) as StoredBlob
        if (!isBlobId(blob.blobId) || !Number.isSafeInteger(blob.size) || !Array.isArray(blob.objects)) throw new Error('not a stored blob record')
        await access(this.bytesPath(blob.blobId))
        this.blobs.set(blob.blobId, blob)
        this.index(blob)
      } catch (err) {
        logger.warn('skipping an unreadable blob record', { file: name, err })
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

async function readMarker(dir: string, shards: number, now: number): Promise<Marker> {
  const path = join(dir, MARKER_FILE)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === undefined) {
    if ((await readdir(dir)).length > 0) throw new UserError('WALRUS_DEV', `${dir} is not empty and is not a walrus-dev folder (no ${MARKER_FILE})`)
    const marker: Marker = { format: MARKER_FORMAT, version: 1, shards, genesisMs: now }
    await writeFileAtomic(path, JSON.stringify(marker) + '\n')
    return marker
  }
  let marker: Marker
  try {
    marker = JSON.parse(text) as Marker
  } catch {
    throw new UserError('WALRUS_DEV', `${path} is not valid JSON`)
  }
  if (marker.format !== MARKER_FORMAT || marker.version !== 1 || !Number.isSafeInteger(marker.shards) || !Number.isSafeInteger(marker.genesisMs)) {
    throw new UserError('WALRUS_DEV', `${path} is not a walrus-dev marker this version reads`)
  }
  if (marker.shards !== shards) {
    throw new UserError('WALRUS_DEV', `${dir} holds blobs for ${marker.shards} shards, not ${shards} (blob ids depend on the shard count); use another folder`)
  }
  return marker
}
