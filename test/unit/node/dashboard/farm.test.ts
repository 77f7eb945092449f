// The farm list (farm.json): loopback URLs and api-token-shaped tokens only,
// at most MAX_FARM_NODES, written whole (temp + rename) with mode 0600, and
// a damaged file refused with one line.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FARM_FILE, FarmError, FarmFile, MAX_FARM_NODES, parseFarmAdd, parseFarmRemove, parseFarmToken, parseFarmUrl } from '../../../../node/dashboard/farm.ts'

const TOKEN = 'ab'.repeat(32)
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-farm-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

function refusal(fn: () => unknown): FarmError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(FarmError)
    return err as FarmError
  }
  throw new Error('not refused')
}

describe('farm URL and token validation', () => {
  it('takes http://127.0.0.1:<port> and http://localhost:<port>, normalised to 127.0.0.1 without a trailing slash', () => {
    fc.assert(
      fc.property(fc.constantFrom('127.0.0.1', 'localhost'), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (host, port, slash) => {
        expect(parseFarmUrl(`http://${host}:${port}${slash ? '/' : ''}`)).toBe(`http://127.0.0.1:${port}`)
      })
    )
  })

  it('refuses every other URL with one line that says why loopback only', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        fc.pre(!/^http:\/\/(127\.0\.0\.1|localhost):[1-9]\d{0,4}\/?$/.test(url))
        const err = refusal(() => parseFarmUrl(url))
        expect(err.code).toBe('BAD_INPUT')
        expect(err.message).not.toContain('\n')
      })
    )
    for (const bad of ['https://127.0.0.1:9000', 'http://127.0.0.1', 'http://127.0.0.1:0', 'http://127.0.0.1:65536', 'http://127.0.0.1:09000', 'http://127.0.0.2:9000', 'http://[::1]:9000', 'http://10.0.0.5:9000', 'http://evil.example:9000', 'http://127.0.0.1:9000/api', 'http://user@127.0.0.1:9000', 'http://127.0.0.1.evil.example:9000', 42, null, `http://127.0.0.1:9000/${'x'.repeat(100)}`]) {
      expect(refusal(() => parseFarmUrl(bad)).message).toMatch(/^url must be http:\/\/127\.0\.0\.1:<port> or http:\/\/localhost:<port> \(a node's API listens on loopback only; reach another machine's node through an SSH tunnel\), got /)
    }
  })

  it('any string is either refused or becomes a loopback URL', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        let url: string
        try {
          url = parseFarmUrl(text)
        } catch (err) {
          expect((err as FarmError).code).toBe('BAD_INPUT')
          return
        }
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d{1,5}$/)
      })
    )
  })

  it('takes a token in the api-token format only, and never echoes it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (token) => {
        expect(parseFarmToken(token)).toBe(token)
        expect(parseFarmToken(`${token}\n`)).toBe(token)
      })
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        fc.pre(!/^[0-9a-f]{64}$/.test(text.trim()))
        const err = refusal(() => parseFarmToken(text))
        expect(err.message).toMatch(/^token must be the node's api-token \(64 lowercase hex characters in its data dir\), got \d+ characters$/)
      })
    )
    expect(refusal(() => parseFarmToken(TOKEN.toUpperCase())).code).toBe('BAD_INPUT')
  })

  it('reads add and remove bodies, refusing other shapes and fields', () => {
    expect(parseFarmAdd({ url: 'http://localhost:9101/', token: TOKEN })).toEqual({ url: 'http://127.0.0.1:9101', token: TOKEN })
    expect(parseFarmRemove({ url: 'http://127.0.0.1:9101' })).toEqual({ url: 'http://127.0.0.1:9101' })
    expect(refusal(() => parseFarmAdd([])).message).toMatch(/^send a JSON object like/)
    expect(refusal(() => parseFarmAdd(undefined)).message).toMatch(/^send a JSON object like/)
    expect(refusal(() => parseFarmAdd({ url: 'http://127.0.0.1:9101', token: TOKEN, name: 'x' })).message).toBe('unknown field "name"; send url and token')
    expect(refusal(() => parseFarmAdd({ url: 'http://127.0.0.1:9101' })).message).toMatch(/^token must be/)
  })
})

describe('FarmFile', () => {
  it('starts empty, adds and removes nodes, and writes farm.json whole with mode 0600', async () => {
    const file = new FarmFile(dir)
    expect(await file.list()).toEqual([])
    await file.add({ url: 'http://127.0.0.1:9101', token: TOKEN }, 1000)
    await file.add({ url: 'http://127.0.0.1:9102', token: 'cd'.repeat(32) }, 2000)
    const path = join(dir, FARM_FILE)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      format: 1,
      nodes: [
        { url: 'http://127.0.0.1:9101', token: TOKEN, addedMs: 1000 },
        { url: 'http://127.0.0.1:9102', token: 'cd'.repeat(32), addedMs: 2000 }
      ]
    })
    // A fresh reader (a restarted node) sees the same list.
    expect((await new FarmFile(dir).list()).map((n) => n.url)).toEqual(['http://127.0.0.1:9101', 'http://127.0.0.1:9102'])
    expect(await file.remove('http://127.0.0.1:9101')).toEqual([{ url: 'http://127.0.0.1:9102', token: 'cd'.repeat(32), addedMs: 2000 }])
    await expect(file.remove('http://127.0.0.1:9101')).rejects.toThrow('http://127.0.0.1:9101 is not in the farm list')
    expect(await readdir(dir)).toEqual([FARM_FILE])
  })

  it('gives a listed node its new token instead of a second entry', async () => {
    const file = new FarmFile(dir)
    await file.add({ url: 'http://127.0.0.1:9101', token: TOKEN }, 1000)
    expect(await file.add({ url: 'http://127.0.0.1:9101', token: 'ef'.repeat(32) }, 5000)).toEqual([{ url: 'http://127.0.0.1:9101', token: 'ef'.repeat(32), addedMs: 1000 }])
  })

  it(`holds ${MAX_FARM_NODES} nodes at most`, async () => {
    const file = new FarmFile(dir)
    for (let i = 0; i < MAX_FARM_NODES; i++) await file.add({ url: `http://127.0.0.1:${10_000 + i}`, token: TOKEN }, i)
    await expect(file.add({ url: 'http://127.0.0.1:9999', token: TOKEN }, 0)).rejects.toMatchObject({ code: 'FULL', message: `the farm list holds ${MAX_FARM_NODES} nodes at most; remove one first` })
    expect(await new FarmFile(dir).list()).toHaveLength(MAX_FARM_NODES)
  })

  it('applies concurrent changes one after the other, losing none', async () => {
    const file = new FarmFile(dir)
    await Promise.all(Array.from({ length: 12 }, (_, i) => file.add({ url: `http://127.0.0.1:${9100 + i}`, token: TOKEN }, i)))
    expect((await new FarmFile(dir).list()).map((n) => n.url).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `http://127.0.0.1:${9100 + i}`))
  })

  it('a write that fails leaves the old list, on disk and in memory, and no temp file', async () => {
    const file = new FarmFile(dir)
    await file.add({ url: 'http://127.0.0.1:9101', token: TOKEN }, 1)
    const path = join(dir, FARM_FILE)
    // A folder where farm.json was: the rename onto it fails (as root, permissions would not).
    await rm(path)
    await mkdir(path)
    await expect(file.add({ url: 'http://127.0.0.1:9102', token: TOKEN }, 2)).rejects.toThrow()
    expect((await file.list()).map((n) => n.url)).toEqual(['http://127.0.0.1:9101'])
    expect(await readdir(dir)).toEqual([FARM_FILE])
    expect((await stat(path)).isDirectory()).toBe(true)
  })

  it('refuses a damaged farm.json with one line, and reads it again once fixed', async () => {
    const path = join(dir, FARM_FILE)
    const cases: [string, RegExp][] = [
      ['{nope', /is not a farm list \(not JSON\): fix or delete it$/],
      ['{"format": 2, "nodes": []}', /expected \{"format": 1, "nodes": \[\.\.\.\]\}/],
      [JSON.stringify({ format: 1, nodes: [{ url: 'http://10.0.0.1:80', token: TOKEN, addedMs: 1 }] }), /node 0: url must be/],
      [JSON.stringify({ format: 1, nodes: [{ url: 'http://127.0.0.1:80', token: 'short', addedMs: 1 }] }), /node 0: token must be/],
      [JSON.stringify({ format: 1, nodes: Array.from({ length: MAX_FARM_NODES + 1 }, (_, i) => ({ url: `http://127.0.0.1:${1000 + i}`, token: TOKEN, addedMs: 1 })) }), /over 64 nodes/]
    ]
    for (const [text, message] of cases) {
      await writeFile(path, text)
      const err = await new FarmFile(dir).list().catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'CORRUPT' })
      expect((err as Error).message).toMatch(message)
      expect((err as Error).message).not.toContain('\n')
    }
    const file = new FarmFile(dir)
    await expect(file.list()).rejects.toMatchObject({ code: 'CORRUPT' })
    await writeFile(path, JSON.stringify({ format: 1, nodes: [] }))
    expect(await file.list()).toEqual([])
  })
})
