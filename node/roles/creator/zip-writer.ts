// A stored (uncompressed) zip archive, written as a stream: frames are
// compressed already, so deflating them again buys nothing. Every local
// header carries the entry's real CRC-32 and sizes (no data descriptors:
// the readers that stream a zip from its start need them there), so each
// entry is read twice, once for its CRC and once to copy it. No zip64:
// archives stay under 4 GiB and 65,535 entries, refused up front past that.
// node/cli/zip-reader.ts reads what this writes.
import { crc32 } from 'node:zlib'
import { PictorError } from '../../errors.ts'

export class ZipWriteError extends PictorError {
  constructor(message: string) {
    super('ZIP_WRITE', message)
  }
}

export interface ZipEntrySource {
  /** Path inside the archive, '/'-separated, UTF-8. */
  name: string
  size: number
  /** The entry's bytes, from the start, each time it is called. */
  read(): AsyncIterable<Uint8Array>
}

const LOCAL_SIG = 0x04034b50
const CENTRAL_SIG = 0x02014b50
const EOCD_SIG = 0x06054b50
const LOCAL_BYTES = 30
const CENTRAL_BYTES = 46
const EOCD_BYTES = 22
/** Version 2.0: what a stored entry with a UTF-8 name needs. */
const VERSION = 20
/** Made by Unix (3), so the external attributes hold a mode: a regular file, rw-r--r--. */
const MADE_BY = (3 << 8) | VERSION
const REGULAR_FILE = (0o100644 << 16) >>> 0
/** General purpose flag bit 11: the name is UTF-8. */
const UTF8_NAME = 0x0800
const MAX_U16 = 0xffff
const MAX_U32 = 0xffffffff

/** MS-DOS time and date fields (2-second resolution, years 1980-2107), from the UTC fields of `ms`. */
export function dosDateTime(ms: number): { time: number; date: number } {
  const d = new Date(ms)
  const year = Math.min(2107, Math.max(1980, d.getUTCFullYear()))
  if (year !== d.getUTCFullYear()) return { time: 0, date: ((year - 1980) << 9) | (1 << 5) | 1 }
  return { time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1), date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate() }
}

/** The archive's exact length in bytes; throws ZipWriteError for what a zip without zip64 cannot hold. */
export function storedZipSize(entries: readonly { name: string; size: number }[]): number {
  if (entries.length > MAX_U16) throw new ZipWriteError(`${entries.length} entries, more than the ${MAX_U16} a zip without zip64 holds`)
  let offset = 0
  let central = 0
  for (const e of entries) {
    const nameBytes = Buffer.byteLength(e.name)
    if (e.name === '' || nameBytes > MAX_U16) throw new ZipWriteError(`entry name ${JSON.stringify(e.name.slice(0, 40))} must be 1 to ${MAX_U16} bytes`)
    if (!Number.isSafeInteger(e.size) || e.size < 0 || e.size > MAX_U32) throw new ZipWriteError(`entry ${JSON.stringify(e.name)} is ${e.size} bytes; an entry without zip64 holds at most ${MAX_U32}`)
    if (offset > MAX_U32) throw new ZipWriteError(`entry ${JSON.stringify(e.name)} would start past the 4 GiB a zip without zip64 can point to`)
    offset += LOCAL_BYTES + nameBytes + e.size
    central += CENTRAL_BYTES + nameBytes
  }
  if (offset > MAX_U32 || central > MAX_U32) throw new ZipWriteError(`the archive would be ${offset + central} bytes, past the 4 GiB a zip without zip64 can point to`)
  return offset + central + EOCD_BYTES
}

interface Written {
  name: Buffer
  size: number
  crc: number
  offset: number
}

/** The entry's CRC-32, checking it is exactly `size` bytes long. */
async function checksum(entry: ZipEntrySource): Promise<number> {
  let crc = 0
  let bytes = 0
  for await (const chunk of entry.read()) {
    bytes += chunk.byteLength
    if (bytes > entry.size) break
    crc = crc32(chunk, crc)
  }
  if (bytes !== entry.size) throw new ZipWriteError(`entry ${JSON.stringify(entry.name)} has ${bytes > entry.size ? 'more' : 'fewer'} than its ${entry.size} bytes`)
  return crc
}

/** The fields a local and a central header share, in the same order: version needed through the name's length, from `at`. */
function writeSharedFields(h: Buffer, at: number, w: Written, when: { time: number; date: number }): void {
  h.writeUInt16LE(VERSION, at)
  h.writeUInt16LE(UTF8_NAME, at + 2)
  // Method 0: stored.
  h.writeUInt16LE(0, at + 4)
  h.writeUInt16LE(when.time, at + 6)
  h.writeUInt16LE(when.date, at + 8)
  h.writeUInt32LE(w.crc, at + 10)
  h.writeUInt32LE(w.size, at + 14)
  h.writeUInt32LE(w.size, at + 18)
  h.writeUInt16LE(w.name.length, at + 22)
}

function localHeader(w: Written, when: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(LOCAL_BYTES)
  h.writeUInt32LE(LOCAL_SIG, 0)
  writeSharedFields(h, 4, w, when)
  // No extra field.
  return Buffer.concat([h, w.name])
}

function centralHeader(w: Written, when: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(CENTRAL_BYTES)
  h.writeUInt32LE(CENTRAL_SIG, 0)
  h.writeUInt16LE(MADE_BY, 4)
  writeSharedFields(h, 6, w, when)
  // Extra field, comment, disk number and internal attributes stay 0.
  h.writeUInt32LE(REGULAR_FILE, 38)
  h.writeUInt32LE(w.offset, 42)
  return Buffer.concat([h, w.name])
}

function endOfCentral(count: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(EOCD_BYTES)
  h.writeUInt32LE(EOCD_SIG, 0)
  h.writeUInt16LE(count, 8)
  h.writeUInt16LE(count, 10)
  h.writeUInt32LE(size, 12)
  h.writeUInt32LE(offset, 16)
  return h
}

/**
 * The archive, chunk by chunk, exactly storedZipSize(entries) bytes long.
 * Throws ZipWriteError before the first chunk for entries a zip cannot
 * hold, and mid-way if an entry's bytes differ from its declared size or
 * change between its two reads (the consumer must then drop what it got).
 */
export async function* storedZip(entries: readonly ZipEntrySource[], options: { modifiedMs?: number } = {}): AsyncGenerator<Uint8Array> {
  storedZipSize(entries)
  const when = dosDateTime(options.modifiedMs ?? Date.UTC(1980, 0, 1))
  const written: Written[] = []
  let offset = 0
  for (const entry of entries) {
    const w: Written = { name: Buffer.from(entry.name), size: entry.size, crc: await checksum(entry), offset }
    const header = localHeader(w, when)
    yield header
    let crc = 0
    let bytes = 0
    for await (const chunk of entry.read()) {
      bytes += chunk.byteLength
      if (bytes > entry.size) break
      crc = crc32(chunk, crc)
      yield chunk
    }
    if (bytes !== entry.size || crc !== w.crc) throw new ZipWriteError(`entry ${JSON.stringify(entry.name)} changed while it was written`)
    offset += header.length + entry.size
    written.push(w)
  }
  let centralSize = 0
  for (const w of written) {
    const header = centralHeader(w, when)
    centralSize += header.length
    yield header
  }
  yield endOfCentral(written.length, centralSize, offset)
}
