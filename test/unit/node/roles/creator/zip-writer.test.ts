// The stored zip writer, read back by the project zip reader (which checks
// every header, size and CRC-32): any names and sizes round-trip, the length
// is known up front, and what a zip without zip64 cannot hold, or an entry
// whose bytes are not what it declared, is refused with one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readZipProject } from '../../../../../node/cli/zip-reader.ts'
import { dosDateTime, storedZip, storedZipSize, type ZipEntrySource, ZipWriteError } from '../../../../../node/roles/creator/zip-writer.ts'

let dir: string
let n = 0
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-zip-writer-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const LIMITS = { maxFiles: 1000, maxFileBytes: 1 << 20, maxTotalBytes: 16 << 20 }

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of source) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

/** An entry served in chunks of `chunk` bytes, as a blob store serves a file. */
function entry(name: string, data: Buffer, chunk = 7): ZipEntrySource {
  return {
    name,
    size: data.length,
    read: async function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk)
    }
  }
}

async function roundTrip(entries: ZipEntrySource[]): Promise<{ zip: Buffer; read: Map<string, Buffer> }> {
  const zip = await collect(storedZip(entries, { modifiedMs: Date.UTC(2025, 5, 1, 12, 30, 10) }))
  const path = join(dir, `z${++n}.zip`)
  await writeFile(path, zip)
  const read = new Map<string, Buffer>()
  for (const f of await readZipProject(path, LIMITS)) read.set(f.path, await collect(f.open()))
  return { zip, read }
}

const segment = fc.stringMatching(/^[a-zA-Z0-9_-][a-zA-Z0-9_. -]{0,11}$/).filter((s) => s !== '.' && s !== '..' && !s.endsWith(' '))
const name = fc.oneof(segment, fc.tuple(segment, segment).map(([a, b]) => `${a}/${b}`), fc.constantFrom('000001.png', 'ünïcødé/фрейм.exr', '画像.jpg'))

describe('stored zip writer', () => {
  it('round-trips any names and contents through the zip reader, at the length it announced', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ name, data: fc.uint8Array({ maxLength: 3000 }), chunk: fc.integer({ min: 1, max: 4096 }) }), { selector: (e) => e.name.toLowerCase(), maxLength: 12 }),
        async (files) => {
          const entries = files.map((f) => entry(f.name, Buffer.from(f.data), f.chunk))
          const { zip, read } = await roundTrip(entries)
          expect(zip.length).toBe(storedZipSize(entries))
          expect([...read.keys()]).toEqual(files.map((f) => f.name))
          for (const f of files) expect(read.get(f.name)!.equals(Buffer.from(f.data))).toBe(true)
        }
      ),
      { numRuns: 60 }
    )
  })

  it('stores entries uncompressed, with the CRC and sizes in the local header', async () => {
    const data = Buffer.from('frame bytes '.repeat(50))
    const { zip } = await roundTrip([entry('000007.png', data)])
    expect(zip.readUInt32LE(0)).toBe(0x04034b50)
    expect(zip.readUInt16LE(8)).toBe(0)
    expect(zip.readUInt32LE(18)).toBe(data.length)
    expect(zip.readUInt32LE(22)).toBe(data.length)
    expect(zip.readUInt32LE(14)).not.toBe(0)
    expect(zip.subarray(30 + '000007.png'.length, 30 + '000007.png'.length + data.length).equals(data)).toBe(true)
  })

  it('writes an empty archive the reader takes', async () => {
    const { zip, read } = await roundTrip([])
    expect(zip.length).toBe(22)
    expect(read.size).toBe(0)
  })

  it('refuses up front what a zip without zip64 cannot hold', () => {
    expect(() => storedZipSize(Array.from({ length: 0x10000 }, (_, i) => ({ name: `${i}`, size: 0 })))).toThrow(/65535/)
    expect(() => storedZipSize([{ name: 'big.exr', size: 2 ** 32 }])).toThrow(ZipWriteError)
    expect(() => storedZipSize([{ name: 'a', size: 2 ** 31 }, { name: 'b', size: 2 ** 31 }, { name: 'c', size: 1 }])).toThrow(/4 GiB/)
    expect(() => storedZipSize([{ name: '', size: 1 }])).toThrow(/name/)
    expect(() => storedZipSize([{ name: 'x', size: -1 }])).toThrow(ZipWriteError)
  })

  it('stops with one line when an entry is not the size it declared, or changes between its reads', async () => {
    const short: ZipEntrySource = { ...entry('a.png', Buffer.from('abc')), size: 4 }
    await expect(collect(storedZip([short]))).rejects.toThrow(/fewer than its 4 bytes/)
    const long: ZipEntrySource = { ...entry('a.png', Buffer.from('abcde')), size: 4 }
    await expect(collect(storedZip([long]))).rejects.toThrow(/more than its 4 bytes/)
    let reads = 0
    const changing: ZipEntrySource = {
      name: 'b.png',
      size: 3,
      read: async function* () {
        yield Buffer.from(reads++ === 0 ? 'abc' : 'abd')
      }
    }
    await expect(collect(storedZip([changing]))).rejects.toThrow(/changed while it was written/)
  })

  it('dates entries in MS-DOS form, clamped to the years it can hold', () => {
    expect(dosDateTime(Date.UTC(2025, 5, 1, 12, 30, 10))).toEqual({ time: (12 << 11) | (30 << 5) | 5, date: (45 << 9) | (6 << 5) | 1 })
    expect(dosDateTime(0)).toEqual({ time: 0, date: (0 << 9) | (1 << 5) | 1 })
  })
})
