// A scene project packed as a .zip, read without unpacking it to disk. Only
// the central directory is trusted for names and sizes, and all of it is
// checked before any entry is read: entry count, sizes and total against the
// project caps (so a bomb claiming 10^6 entries or 10^12 bytes is refused at
// once), paths (validateProjectPath), no links or other special files, no
// encryption, stored or deflated data only, entries inside the archive and
// not overlapping (overlapping entries are how small zips inflate to huge
// totals). Zip64 is read, under the same caps. An entry's bytes are then
// inflated as they are read, never past its declared size, and must end at
// that size with the declared CRC-32.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream'
import { crc32, createInflateRaw } from 'node:zlib'
import { ProtocolError, validateProjectPath } from '../../protocol/index.ts'
import { UserError } from '../errors.ts'
import { PROJECT_LIMITS, type ProjectLimits, type ProjectSourceFile } from './project-folder.ts'

export class ZipError extends UserError {
  constructor(zip: string, message: string) {
    super('ZIP', `${zip}: ${message}`)
  }
}

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50
const EOCD_BYTES = 22
const MAX_COMMENT = 0xffff
/** Central directory bytes read at most: 10,000 entries with long names and generous extra fields. */
const MAX_CENTRAL_BYTES = 32 * 1024 * 1024
/** Hosts whose external attributes carry Unix mode bits: Unix and macOS. */
const UNIX_HOSTS = new Set([3, 19])
const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
/** Windows FILE_ATTRIBUTE_REPARSE_POINT: a link or junction. */
const DOS_REPARSE_POINT = 0x400

interface Entry {
  path: string
  method: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
  dataOffset: number
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await handle.read(buf, 0, length, position)
  return buf.subarray(0, bytesRead)
}

function u64(buf: Buffer, at: number, fail: (m: string) => never): number {
  const v = buf.readBigUInt64LE(at)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('a zip64 field is too large')
  return Number(v)
}

/** Reads and checks the archive's directory; throws ZipError with one line before anything is inflated. */
export async function readZipProject(zipPath: string, limits: ProjectLimits = PROJECT_LIMITS): Promise<ProjectSourceFile[]> {
  const fail = (message: string): never => {
    throw new ZipError(zipPath, message)
  }
  const handle = await open(zipPath, 'r').catch(() => fail('cannot be opened'))
  try {
    const fileSize = (await handle.stat()).size
    const tailStart = Math.max(0, fileSize - EOCD_BYTES - MAX_COMMENT)
    const tail = await readAt(handle, tailStart, fileSize - tailStart)
    let eocd = -1
    for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG && i + EOCD_BYTES + tail.readUInt16LE(i + 20) === tail.length) {
        eocd = i
        break
      }
    }
    if (eocd < 0) fail('not a zip archive (no end of central directory)')
    let disk = tail.readUInt16LE(eocd + 4)
    let cdDisk = tail.readUInt16LE(eocd + 6)
    let onDisk = tail.readUInt16LE(eocd + 8)
    let count = tail.readUInt16LE(eocd + 10)
    let cdSize = tail.readUInt32LE(eocd + 12)
    let cdOffset = tail.readUInt32LE(eocd + 16)
    if (count === 0xffff || onDisk === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = tailStart + eocd - 20
      const locator = locatorAt < 0 ? Buffer.alloc(0) : await readAt(handle, locatorAt, 20)
      if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) fail('zip64 end of central directory locator missing')
      const record = await readAt(handle, u64(locator, 8, fail), 56)
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIG) fail('zip64 end of central directory missing')
      disk = record.readUInt32LE(16)
      cdDisk = record.readUInt32LE(20)
      onDisk = u64(record, 24, fail)
      count = u64(record, 32, fail)
      cdSize = u64(record, 40, fail)
      cdOffset = u64(record, 48, fail)
    }
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) fail('multi-part archives are not supported')
    // Folder entries may come on top of the files: twice the file cap is room enough for both.
    if (count > 2 * limits.maxFiles) fail(`claims ${count} entries; a project holds at most ${limits.maxFiles} files`)
    if (cdSize > MAX_CENTRAL_BYTES || cdOffset + cdSize > fileSize) fail(`central directory of ${cdSize} bytes at ${cdOffset} does not fit the archive or the limit of ${MAX_CENTRAL_BYTES} bytes`)
    const cd = await readAt(handle, cdOffset, cdSize)
    const entries = parseCentral(cd, count, limits, fail)
    for (const e of entries) {
      const local = await readAt(handle, e.localOffset, 30)
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG) fail(`entry ${JSON.stringify(e.path)} has no local header`)
      e.dataOffset = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
      if (e.dataOffset + e.compressedSize > cdOffset) fail(`entry ${JSON.stringify(e.path)} runs past the file data`)
    }
    const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset)
    for (let i = 1; i < byOffset.length; i++) {
      const prev = byOffset[i - 1]!
      if (byOffset[i]!.localOffset < prev.dataOffset + prev.compressedSize) fail(`entries ${JSON.stringify(prev.path)} and ${JSON.stringify(byOffset[i]!.path)} overlap`)
    }
    return entries.map((e) => ({ path: e.path, size: e.size, open: () => entryBytes(zipPath, e) }))
  } finally {
    await handle.close()
  }
}

function parseCentral(cd: Buffer, count: number, limits: ProjectLimits, fail: (m: string) => never): Entry[] {
  const entries: Entry[] = []
  let total = 0
  let at = 0
  const names = new TextDecoder('utf-8', { fatal: true })
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_SIG) fail(`central directory entry ${n} is damaged`)
    const host = cd.readUInt8(at + 5)
    const flags = cd.readUInt16LE(at + 8)
    const method = cd.readUInt16LE(at + 10)
    const crc = cd.readUInt32LE(at + 16)
    const nameLen = cd.readUInt16LE(at + 28)
    const extraLen = cd.readUInt16LE(at + 30)
    const external = cd.readUInt32LE(at + 38)
    const nameAt = at + 46
    const end = nameAt + nameLen + extraLen + cd.readUInt16LE(at + 32)
    if (end > cd.length) fail(`central directory entry ${n} is damaged`)
    let name: string
    try {
      name = names.decode(cd.subarray(nameAt, nameAt + nameLen))
    } catch {
      return fail(`entry ${n} has a name that is not UTF-8`)
    }
    const what = `entry ${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)}`
    const sizes = zip64Sizes(cd.subarray(nameAt + nameLen, nameAt + nameLen + extraLen), { size: cd.readUInt32LE(at + 24), compressedSize: cd.readUInt32LE(at + 20), localOffset: cd.readUInt32LE(at + 42) }, () => fail(`${what} has a damaged zip64 field`))
    at = end
    if (flags & 0x41 || method === 99) fail(`${what} is encrypted`)
    const mode = UNIX_HOSTS.has(host) ? (external >>> 16) & S_IFMT : 0
    if (mode === S_IFLNK || external & DOS_REPARSE_POINT) fail(`${what} is a symbolic link: pictor does not follow links in a project`)
    const folder = name.endsWith('/') || mode === S_IFDIR
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) fail(`${what} is not a regular file or folder`)
    try {
      validateProjectPath(folder && name.endsWith('/') ? name.slice(0, -1) : name)
    } catch (err) {
      if (err instanceof ProtocolError) fail(`${what}: ${err.message}`)
      throw err
    }
    if (folder) {
      if (sizes.size !== 0) fail(`${what} is a folder with data`)
      continue
    }
    if (method !== 0 && method !== 8) fail(`${what} uses compression method ${method}; only stored and deflated entries are read`)
    if (method === 0 && sizes.compressedSize !== sizes.size) fail(`${what} is stored with two different sizes`)
    if (entries.length >= limits.maxFiles) fail(`holds more than ${limits.maxFiles} files, the most a project may have`)
    if (sizes.size > limits.maxFileBytes) fail(`${what} is ${sizes.size} bytes, over the limit of ${limits.maxFileBytes} for one file`)
    total += sizes.size
    if (total > limits.maxTotalBytes) fail(`unpacks to more than ${limits.maxTotalBytes} bytes, the most a project may have`)
    entries.push({ path: name, method, crc, ...sizes, dataOffset: 0 })
  }
  return entries
}

/** Zip64: the 32-bit fields set to all ones come, in this order, from extra field 0x0001. */
function zip64Sizes(extra: Buffer, fields: { size: number; compressedSize: number; localOffset: number }, fail: () => never): typeof fields {
  const out = { ...fields }
  const wanted = (['size', 'compressedSize', 'localOffset'] as const).filter((k) => fields[k] === 0xffffffff)
  if (wanted.length === 0) return out
  for (let p = 0; p + 4 <= extra.length; p += 4 + extra.readUInt16LE(p + 2)) {
    if (extra.readUInt16LE(p) !== 0x0001) continue
    const len = extra.readUInt16LE(p + 2)
    if (len < 8 * wanted.length || p + 4 + len > extra.length) fail()
    wanted.forEach((k, i) => {
      out[k] = u64(extra, p + 4 + 8 * i, fail)
    })
    return out
  }
  return fail()
}

/** The entry's bytes, inflated as read; never more than its declared size, and its CRC-32 checked at the end. */
async function* entryBytes(zipPath: string, e: Entry): AsyncGenerator<Uint8Array> {
  const fail = (message: string): never => {
    throw new ZipError(zipPath, `entry ${JSON.stringify(e.path)} ${message}`)
  }
  if (e.compressedSize === 0) {
    if (e.size !== 0 || e.crc !== 0) fail('is damaged')
    return
  }
  const raw = createReadStream(zipPath, { start: e.dataOffset, end: e.dataOffset + e.compressedSize - 1 })
  const source = e.method === 8 ? pipeline(raw, createInflateRaw(), () => {}) : raw
  let bytes = 0
  let crc = 0
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > e.size) fail(`unpacks past its declared ${e.size} bytes`)
      crc = crc32(chunk, crc)
      yield chunk
    }
  } catch (err) {
    if (err instanceof ZipError) throw err
    fail(`cannot be unpacked (${(err as Error).message})`)
  } finally {
    raw.destroy()
  }
  if (bytes !== e.size) fail(`unpacks to ${bytes} bytes, not its declared ${e.size}`)
  if (crc !== e.crc) fail('fails its CRC check')
}
