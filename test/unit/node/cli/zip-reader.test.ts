import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ProjectLimits, PROJECT_LIMITS } from '../../../../node/cli/project-folder.ts'
import { readZipProject, ZipError } from '../../../../node/cli/zip-reader.ts'
import { buildZip, type FixtureEntry, type FixtureOptions } from './zip-fixture.ts'

let dir: string
let n = 0
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-zip-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function zipOf(entries: FixtureEntry[], options?: FixtureOptions): Promise<string> {
  const path = join(dir, `z${++n}.zip`)
  await writeFile(path, buildZip(entries, options))
  return path
}

async function bytesOf(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of source) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

/** The one line a hostile archive is refused with. */
async function refusal(entries: FixtureEntry[], options?: FixtureOptions, limits?: ProjectLimits): Promise<string> {
  const path = await zipOf(entries, options)
  const err = await readZipProject(path, limits).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ZipError)
  expect((err as Error).message).not.toContain('\n')
  return (err as Error).message
}

const blend = { name: 'shot.blend', data: Buffer.from('BLENDER-v304 fake') }
const texture = Buffer.alloc(100_000, 7)

describe('zip project reader', () => {
  it('lists files (folders skipped) and unpacks stored, deflated and zip64 entries exactly', async () => {
    const path = await zipOf([
      { name: 'textures/', data: Buffer.alloc(0), external: (0o040755 << 16) >>> 0 },
      { name: 'textures/wood.png', data: texture, deflate: true },
      blend,
      { name: 'caches/empty.bin' },
      { name: 'big/z64.bin', data: Buffer.from('zip64 sized'), zip64: { size: 11 } }
    ])
    const files = await readZipProject(path)
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['textures/wood.png', 100_000],
      ['shot.blend', blend.data.length],
      ['caches/empty.bin', 0],
      ['big/z64.bin', 11]
    ])
    expect((await bytesOf(files[0]!.open())).equals(texture)).toBe(true)
    expect((await bytesOf(files[1]!.open())).equals(blend.data)).toBe(true)
    expect((await bytesOf(files[2]!.open())).length).toBe(0)
    expect((await bytesOf(files[3]!.open())).toString()).toBe('zip64 sized')
  })

  it('refuses hostile directories with one line, reading no entry data', async () => {
    expect(await refusal([blend, { name: '../evil.png', data: texture }])).toMatch(/entry "..\/evil.png": path "..\/evil.png" has a '..' segment/)
    expect(await refusal([blend, { name: 'a/../../evil.png' }])).toMatch(/has a '..' segment/)
    expect(await refusal([blend, { name: '/etc/passwd' }])).toMatch(/is absolute/)
    expect(await refusal([blend, { name: 'C:/x.png' }])).toMatch(/drive letter/)
    expect(await refusal([blend, { name: 'tex\\wood.png' }])).toMatch(/backslash/)
    expect(await refusal([blend, { name: 'tex\u0000.png' }])).toMatch(/control character/)
    expect(await refusal([blend, { name: 'link.png', data: Buffer.from('/etc/passwd'), external: (0o120777 << 16) >>> 0 }])).toMatch(/"link.png" is a symbolic link/)
    expect(await refusal([blend, { name: 'junction', host: 0, external: 0x410 }])).toMatch(/is a symbolic link/)
    expect(await refusal([blend, { name: 'fifo', external: (0o010644 << 16) >>> 0 }])).toMatch(/not a regular file or folder/)
    expect(await refusal([blend, { name: 'secret.png', data: texture, flags: 0x801 }])).toMatch(/"secret.png" is encrypted/)
    expect(await refusal([blend, { name: 'aes.png', data: texture, method: 99 }])).toMatch(/is encrypted/)
    expect(await refusal([blend, { name: 'x.bz2', data: texture, method: 12 }])).toMatch(/compression method 12/)
    expect(await refusal([blend, { name: 'x', rawName: Buffer.from([0x61, 0xff, 0x62]) }])).toMatch(/entry 1 has a name that is not UTF-8/)
    expect(await refusal([blend, { name: 'x'.repeat(1025) }])).toMatch(/longer than 1024 bytes/)
  })

  it('refuses bombs by what the directory claims, before unpacking anything', async () => {
    expect(await refusal([blend], { claimCount: 1_000_000 })).toMatch(/claims 1000000 entries; a project holds at most 10000 files/)
    expect(await refusal([blend], { claimCount: 65_000 })).toMatch(/claims 65000 entries/)
    expect(await refusal([blend, { name: 'huge.bin', data: Buffer.from('x'), deflate: true, zip64: { size: 1e12 } }])).toMatch(/"huge.bin" is 1000000000000 bytes, over the limit of 268435456 for one file/)
    expect(await refusal([blend, { name: 'big.bin', data: Buffer.from('x'), deflate: true, claimSize: 0xfffffff0 }])).toMatch(/over the limit of 268435456/)
    const small: ProjectLimits = { maxFiles: 3, maxFileBytes: 200_000, maxTotalBytes: 250_000 }
    const many = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.png`, data: Buffer.from('x') }))
    expect(await refusal(many, undefined, small)).toMatch(/holds more than 3 files/)
    const heavy = Array.from({ length: 3 }, (_, i) => ({ name: `f${i}.png`, data: texture, deflate: true }))
    expect(await refusal(heavy, undefined, small)).toMatch(/unpacks to more than 250000 bytes/)
    // Many entries sharing one compressed stream: small archive, huge total.
    expect(await refusal([{ name: 'a.bin', data: texture, deflate: true }, { name: 'b.bin', data: texture, deflate: true, localOffsetOf: 0 }])).toMatch(/entries "a.bin" and "b.bin" overlap/)
    expect(await refusal([blend], { claimCount: 0xfffe })).toMatch(/claims 65534 entries/)
  })

  it('refuses entries that unpack past their declared size or fail their CRC, as they are read', async () => {
    const liar = await zipOf([blend, { name: 'liar.png', data: texture, deflate: true, claimSize: 1000 }])
    const files = await readZipProject(liar)
    await expect(bytesOf(files[1]!.open())).rejects.toThrow(/"liar.png" unpacks past its declared 1000 bytes/)
    const short = await readZipProject(await zipOf([{ name: 'short.png', data: texture, deflate: true, claimSize: 100_001 }]))
    await expect(bytesOf(short[0]!.open())).rejects.toThrow(/unpacks to 100000 bytes, not its declared 100001/)
    const crc = await readZipProject(await zipOf([{ name: 'crc.png', data: texture, claimCrc: 1 }]))
    await expect(bytesOf(crc[0]!.open())).rejects.toThrow(/"crc.png" fails its CRC check/)
  })

  it('refuses what is not a zip', async () => {
    const path = join(dir, 'not.zip')
    await writeFile(path, 'PK but not really')
    await expect(readZipProject(path)).rejects.toThrow(/not a zip archive/)
    const truncated = join(dir, 'cut.zip')
    const whole = buildZip([blend, { name: 'tex.png', data: texture }])
    await writeFile(truncated, Buffer.concat([whole.subarray(0, 50), whole.subarray(whole.length - 22)]))
    await expect(readZipProject(truncated)).rejects.toThrow(ZipError)
    await expect(readZipProject(join(dir, 'missing.zip'))).rejects.toThrow(/cannot be opened/)
    expect(PROJECT_LIMITS.maxFiles).toBe(10_000)
  })
})
