// put(bytes, { adopt }): the file the bytes were read from is moved into the
// store instead of copied, only while it is still that file; anything else
// (replaced, written to, linked, a symlink, a folder, gone, on another file
// system) gets a copy of the bytes that were read, and the store never
// keeps or trusts a file whose bytes are not its id.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, fsync, statSync } from 'node:fs'
import { appendFile, link, lstat, mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BlobHashMismatchError, LocalBlobStore, memoryBlobIndex } from '../../../../node/blobs/index.ts'
import type { BlobAdoptFile } from '../../../../node/blobs/types.ts'
import { VerifiedFiles } from '../../../../node/blobs/verified-files.ts'
import { silentLogger } from '../../../../node/log.ts'

vi.mock('node:fs', async (original) => (await import('./fsync-spy.ts')).withCountedFsync(await original()))

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** A folder on another file system than the temp folder (Linux's /dev/shm), where there is one. */
const OTHER_FILE_SYSTEM = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev ? '/dev/shm' : undefined


async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

/** Reads a file as the worker does: its stat through the handle, then its bytes. */
async function readAsWorker(path: string): Promise<{ bytes: Uint8Array; adopt: BlobAdoptFile }> {
  const fh = await open(path, 'r')
  try {
    const read = await fh.stat({ bigint: true })
    const bytes = new Uint8Array(await fh.readFile())
    return { bytes, adopt: { path, read } }
  } finally {
    await fh.close()
  }
}

describe('LocalBlobStore adopt', () => {
  let dir: string
  let work: string
  let index: ReturnType<typeof memoryBlobIndex>
  let store: LocalBlobStore
  let remembered: ReturnType<typeof vi.spyOn>

  const fileOf = (id: string) => join(dir, 'blobs', id.slice(0, 2), id)
  const tempFiles = async () => readdir(join(dir, 'blobs', 'tmp'))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-adopt-'))
    work = join(dir, 'work')
    await mkdir(work)
    index = memoryBlobIndex()
    store = new LocalBlobStore({ dir, index, logger: silentLogger, now: () => 1234 })
    await store.start()
    remembered = vi.spyOn(VerifiedFiles.prototype, 'remember')
  })

  afterEach(async () => {
    remembered.mockRestore()
    await rm(dir, { recursive: true, force: true })
  })

  /** A frame file in the work folder, read as the worker reads it. */
  async function frame(name: string, bytes: Uint8Array = randomBytes(5000)) {
    const path = join(work, name)
    await writeFile(path, bytes)
    return readAsWorker(path)
  }

  it('moves the file into place: same inode, gone from where it was, indexed, served and verified', async () => {
    const { bytes, adopt } = await frame('0001.png')
    const stat = await store.put(bytes, { durable: false, adopt })
    expect(stat).toEqual({ id: sha256(bytes), size: bytes.byteLength })
    expect((await stat_(fileOf(stat.id))).ino).toBe(adopt.read.ino)
    await expect(stat_(adopt.path)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(JSON.parse(index.map.get(stat.id)!)).toEqual({ size: bytes.byteLength, createdMs: 1234 })
    expect(await store.stat(stat.id)).toEqual(stat)
    // Remembered as verified with its stat after the move (a rename changes the ctime).
    const after = await lstat(fileOf(stat.id), { bigint: true })
    expect(remembered).toHaveBeenCalledTimes(1)
    expect(remembered.mock.calls[0]![0]).toBe(stat.id)
    expect((remembered.mock.calls[0]![1] as typeof after).ctimeNs).toBe(after.ctimeNs)
    expect(Buffer.compare(await collect(store.get(stat.id, { verify: 'once' })), bytes)).toBe(0)
    expect(Buffer.compare(await collect(store.get(stat.id)), bytes)).toBe(0)
    expect(await tempFiles()).toEqual([])
  })

  it('an adopted file changed afterwards is hashed again on read and, being wrong, removed', async () => {
    const { bytes, adopt } = await frame('0001.png')
    const { id } = await store.put(bytes, { durable: false, adopt })
    const fh = await open(fileOf(id), 'r+')
    await fh.write(Buffer.from([bytes[0]! ^ 0xff]), 0, 1, 0)
    await fh.close()
    await expect(collect(store.get(id, { verify: 'once' }))).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await store.has(id)).toBe(false)
    expect(index.map.has(id)).toBe(false)
  })

  it('a file replaced after it was read is not kept: the bytes that were read are stored', async () => {
    const { bytes, adopt } = await frame('0001.png')
    const other = join(work, 'other')
    const forged = randomBytes(bytes.byteLength)
    await writeFile(other, forged)
    await rename(other, adopt.path)
    const { id } = await store.put(bytes, { durable: false, adopt })
    expect(id).toBe(sha256(bytes))
    expect(Buffer.compare(await readFile(fileOf(id)), bytes)).toBe(0)
    expect(Buffer.compare(await collect(store.get(id)), bytes)).toBe(0)
    expect(await tempFiles()).toEqual([])
  })

  it('a file written after it was read (grown, or same size with a new mtime) is not kept', async () => {
    const grown = await frame('0001.png')
    await appendFile(grown.adopt.path, 'more')
    const first = await store.put(grown.bytes, { durable: false, adopt: grown.adopt })
    expect(Buffer.compare(await readFile(fileOf(first.id)), grown.bytes)).toBe(0)

    const touched = await frame('0002.png')
    const fh = await open(touched.adopt.path, 'r+')
    await fh.write(Buffer.from([touched.bytes[0]! ^ 0xff]), 0, 1, 0)
    await fh.close()
    // However coarse the clock, the mtime differs from the one read.
    await utimes(touched.adopt.path, new Date(5_000), new Date(5_000))
    const second = await store.put(touched.bytes, { durable: false, adopt: touched.adopt })
    expect(second.id).toBe(sha256(touched.bytes))
    expect(Buffer.compare(await readFile(fileOf(second.id)), touched.bytes)).toBe(0)
    expect(Buffer.compare(await collect(store.get(second.id)), touched.bytes)).toBe(0)
  })

  it('a symlink, a file with another name, a folder or a missing file is copied, never moved', async () => {
    const target = join(dir, 'outside')
    const outside = randomBytes(3000)
    await writeFile(target, outside)
    const linkPath = join(work, 'link.png')
    await symlink(target, linkPath)
    const viaLink = await readAsWorker(linkPath)
    const a = await store.put(viaLink.bytes, { durable: false, adopt: viaLink.adopt })
    expect((await lstat(fileOf(a.id))).isFile()).toBe(true)
    expect(await readFile(target)).toEqual(Buffer.from(outside))

    const hard = await frame('hard.png')
    await link(hard.adopt.path, join(dir, 'second-name'))
    const b = await store.put(hard.bytes, { durable: false, adopt: hard.adopt })
    expect((await stat_(fileOf(b.id))).ino).not.toBe(hard.adopt.read.ino)
    expect(Buffer.compare(await readFile(join(dir, 'second-name')), hard.bytes)).toBe(0)

    const folder = join(work, 'folder.png')
    await mkdir(folder)
    const folderRead = { ...(await frame('x.png')), adopt: { path: folder, read: (await stat(folder, { bigint: true })) as BlobAdoptFile['read'] } }
    const c = await store.put(folderRead.bytes, { durable: false, adopt: folderRead.adopt })
    expect((await lstat(fileOf(c.id))).isFile()).toBe(true)

    const gone = await frame('gone.png')
    await rm(gone.adopt.path)
    const d = await store.put(gone.bytes, { durable: false, adopt: gone.adopt })
    expect(Buffer.compare(await collect(store.get(d.id)), gone.bytes)).toBe(0)
    expect(await tempFiles()).toEqual([])
  })

  it('files with the same bytes put at once are moved in one after the other, none copied', async () => {
    const bytes = randomBytes(4000)
    const files = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => frame(`000${n}.png`, bytes)))
    const stats = await Promise.all(files.map(({ adopt }) => store.put(bytes, { durable: false, adopt })))
    expect(new Set(stats.map((s) => s.id))).toEqual(new Set([sha256(bytes)]))
    // The last one moved in is the blob: no copy was needed.
    expect((await stat_(fileOf(stats[0]!.id))).ino).toBe(files.at(-1)!.adopt.read.ino)
    expect(await readdir(work)).toEqual([])
    expect(Buffer.compare(await collect(store.get(stats[0]!.id, { verify: 'once' })), bytes)).toBe(0)
  })

  it('expectedId: bytes that hash to something else refuse the put and leave the file where it was', async () => {
    const { bytes, adopt } = await frame('0001.png')
    await expect(store.put(bytes, { adopt, expectedId: sha256(randomBytes(3)) })).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(Buffer.compare(await readFile(adopt.path), bytes)).toBe(0)
    expect(await store.has(sha256(bytes))).toBe(false)
  })

  it('an adopted blob is found again after a restart, and a lost index entry is repaired', async () => {
    const { bytes, adopt } = await frame('0001.png')
    const { id } = await store.put(bytes, { durable: false, adopt })
    index.map.delete(id) // a crash between the move and the index write
    const restarted = new LocalBlobStore({ dir, index, logger: silentLogger })
    await restarted.start()
    expect(index.map.has(id)).toBe(true)
    expect(Buffer.compare(await collect(restarted.get(id, { verify: 'once' })), bytes)).toBe(0)
  })

  it.skipIf(OTHER_FILE_SYSTEM === undefined)('a file on another file system is copied, and stays where it was', async () => {
    const path = join(OTHER_FILE_SYSTEM!, `pictor-adopt-${process.pid}-${randomBytes(4).toString('hex')}.png`)
    try {
      await writeFile(path, randomBytes(2000))
      const { bytes, adopt } = await readAsWorker(path)
      const { id } = await store.put(bytes, { durable: false, adopt })
      expect(Buffer.compare(await readFile(fileOf(id)), bytes)).toBe(0)
      expect((await stat_(path)).ino).toBe(adopt.read.ino)
    } finally {
      await rm(path, { force: true })
    }
  })
})

describe('LocalBlobStore adopt, durable', () => {
  let dir: string
  const syncs = vi.mocked(fsync)

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-adopt-durable-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('fsyncs the file before the move and the folder after it, and nothing when not durable', async () => {
    const store = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
    await store.start()
    const write = async (name: string) => {
      const path = join(dir, name)
      await writeFile(path, randomBytes(1000))
      return readAsWorker(path)
    }
    const durable = await write('a.png')
    syncs.mockClear()
    await store.put(durable.bytes, { adopt: durable.adopt })
    expect(syncs).toHaveBeenCalledTimes(2)
    const quick = await write('b.png')
    syncs.mockClear()
    await store.put(quick.bytes, { durable: false, adopt: quick.adopt })
    expect(syncs).not.toHaveBeenCalled()
  })
})

function stat_(path: string) {
  return stat(path, { bigint: true })
}
