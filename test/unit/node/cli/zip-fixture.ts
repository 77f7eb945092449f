// Builds zip archives byte by byte for the zip reader's tests, honest or
// hostile: any field of an entry or of the end records can be overridden.
import { crc32, deflateRawSync } from 'node:zlib'

export interface FixtureEntry {
  name: string
  /** Name bytes as written, when they must not be UTF-8. */
  rawName?: Buffer
  data?: Uint8Array
  deflate?: boolean
  /** Overrides of what the central directory claims. */
  claimSize?: number
  claimCrc?: number
  flags?: number
  method?: number
  /** Host (high byte of "version made by") and external attributes. */
  host?: number
  external?: number
  /** Write sizes and offset as zip64 extra fields (with these claimed values). */
  zip64?: { size: number; compressedSize?: number }
  /** Point the central entry at another entry's local header. */
  localOffsetOf?: number
}

export interface FixtureOptions {
  /** Entry count the end record claims (written as zip64 when over 0xffff). */
  claimCount?: number
}

const u16 = (v: number) => Buffer.from([v & 0xff, (v >>> 8) & 0xff])
const u32 = (v: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v >>> 0)
  return b
}
const u64 = (v: number) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(v))
  return b
}

export function buildZip(entries: FixtureEntry[], options: FixtureOptions = {}): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  const offsets: number[] = []
  let offset = 0
  for (const e of entries) {
    const data = Buffer.from(e.data ?? new Uint8Array(0))
    const stored = e.deflate ? deflateRawSync(data) : data
    const method = e.method ?? (e.deflate ? 8 : 0)
    const name = e.rawName ?? Buffer.from(e.name, 'utf8')
    const crc = e.claimCrc ?? crc32(data)
    const size = e.claimSize ?? data.length
    const local = Buffer.concat([u32(0x04034b50), u16(20), u16(e.flags ?? 0x800), u16(method), u32(0), u32(crc), u32(stored.length), u32(data.length), u16(name.length), u16(0), name, stored])
    offsets.push(offset)
    locals.push(local)
    const localOffset = offsets[e.localOffsetOf ?? offsets.length - 1]!
    const extra = e.zip64 === undefined ? Buffer.alloc(0) : Buffer.concat([u16(1), u16(24), u64(e.zip64.size), u64(e.zip64.compressedSize ?? stored.length), u64(localOffset)])
    const sizes = e.zip64 === undefined ? [u32(stored.length), u32(size)] : [u32(0xffffffff), u32(0xffffffff)]
    central.push(
      Buffer.concat([u32(0x02014b50), u16(((e.host ?? 3) << 8) | 20), u16(20), u16(e.flags ?? 0x800), u16(method), u32(0), u32(crc), ...sizes, u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(e.external ?? (0o100644 << 16) >>> 0), u32(e.zip64 === undefined ? localOffset : 0xffffffff), name, extra])
    )
    offset += local.length
  }
  const cd = Buffer.concat(central)
  const count = options.claimCount ?? entries.length
  const tail: Buffer[] = []
  if (count > 0xfffe) {
    const zip64At = offset + cd.length
    tail.push(Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(count), u64(count), u64(cd.length), u64(offset)]))
    tail.push(Buffer.concat([u32(0x07064b50), u32(0), u64(zip64At), u32(1)]))
    tail.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(cd.length), u32(0xffffffff), u16(0)]))
  } else {
    tail.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(cd.length), u32(offset), u16(0)]))
  }
  return Buffer.concat([...locals, cd, ...tail])
}
