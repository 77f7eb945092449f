import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirError, KeyError } from '../../../../node/errors.ts'
import { initDataDir, openDataDir } from '../../../../node/store/data-dir.ts'

let base: string
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'pictor-dd-'))
})
afterEach(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('data dir', () => {
  it('creates a key at mode 0600 and opens it again', async () => {
    const dir = join(base, 'node')
    const { created, paths } = await initDataDir(dir)
    expect(created).toBe(true)
    expect((await stat(paths.key)).mode & 0o777).toBe(0o600)
    const a = await openDataDir(dir)
    expect(a.seed).toHaveLength(32)
    expect(a.token).toMatch(/^[0-9a-f]{64}$/)
  })

  it('never overwrites an existing key', async () => {
    const dir = join(base, 'node')
    const { paths } = await initDataDir(dir)
    const before = await readFile(paths.key, 'utf8')
    expect((await initDataDir(dir)).created).toBe(false)
    await expect(initDataDir(dir, new Uint8Array(32).fill(1))).rejects.toBeInstanceOf(KeyError)
    expect(await readFile(paths.key, 'utf8')).toBe(before)
  })

  it('refuses a foreign folder and reports corruption clearly', async () => {
    await writeFile(join(base, 'notes.txt'), 'mine')
    await expect(initDataDir(base)).rejects.toThrow('is not empty and is not a pictor data dir')
    const dir = join(base, 'node')
    const { paths } = await initDataDir(dir)
    await writeFile(paths.key, 'garbage\n', { mode: 0o600 })
    await expect(openDataDir(dir)).rejects.toThrow('is corrupted')
    await writeFile(paths.marker, '{"format":"other"}')
    await expect(openDataDir(dir)).rejects.toBeInstanceOf(DataDirError)
    await expect(openDataDir(join(base, 'missing'))).rejects.toThrow('is not initialised')
  })

  it('refuses a key readable by others', async () => {
    const dir = join(base, 'node')
    const { paths } = await initDataDir(dir)
    await chmod(paths.key, 0o644)
    await expect(openDataDir(dir)).rejects.toThrow(/readable by others/)
  })
})
