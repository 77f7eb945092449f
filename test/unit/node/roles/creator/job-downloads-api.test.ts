// The job download routes over real HTTP: frames.zip holds every accepted
// frame under its NNNNNN.png name (read back by the zip reader), lists frames
// found nowhere in MISSING.txt, and is refused with one line past its size
// cap; the contact sheet and the preview are real images of the frames.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApiServer } from '../../../../../node/api/server.ts'
import { readZipProject } from '../../../../../node/cli/zip-reader.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { MetricsRegistry } from '../../../../../node/metrics/index.ts'
import type { CreatorComponents, CreatorService } from '../../../../../node/roles/creator/index.ts'
import { DOWNLOAD_LIMITS, evenlySpaced, registerJobDownloadsApi } from '../../../../../node/roles/creator/job-downloads-api.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { newJob } from './fixtures.ts'

const TOKEN = 'cd'.repeat(32)
const WORKER_PEER = '12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB'
const WIDTH = 64
const HEIGHT = 36

let dir: string
let api: ApiServer | undefined
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-downloads-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))
afterEach(() => api?.stop())

/** A flat-coloured PNG frame of the job's size. */
const frameOf = (shade: number) => sharp({ create: { width: WIDTH, height: HEIGHT, channels: 4, background: { r: shade, g: 255 - shade, b: 40, alpha: 1 } } }).png().toBuffer()

/** Frames 1-4 accepted; `stored` of them held by the blob store, `remote` fetched from elsewhere on demand, the rest found nowhere. */
async function serve(stored: number[], limits = DOWNLOAD_LIMITS, remote: number[] = []) {
  const base = newJob(4, 2)
  const blobs = new Map<string, Buffer>()
  const elsewhere = new Map<string, Buffer>()
  const fetched: string[] = []
  const frames: JobRecord['frames'] = {}
  for (const f of [1, 2, 3, 4]) {
    const blobId = f.toString(16).padStart(64, '0')
    frames[f] = { blobId, pixelHash: '00'.repeat(32), worker: 'aa'.repeat(32) }
    if (stored.includes(f)) blobs.set(blobId, await frameOf(f * 50))
    if (remote.includes(f)) elsewhere.set(blobId, await frameOf(f * 50))
  }
  const job: JobRecord = { ...base, admitted: { ['aa'.repeat(32)]: { peerId: WORKER_PEER, price: 50, admittedMs: 0 } }, frames }
  const store = {
    stat: async (id: string) => (blobs.has(id) ? { id, size: blobs.get(id)!.length } : undefined),
    get: async function* (id: string) {
      const bytes = blobs.get(id)!
      for (let i = 0; i < bytes.length; i += 100) yield bytes.subarray(i, i + 100)
    },
    fetchToPath: async (id: string) => {
      fetched.push(id)
      if (!elsewhere.has(id)) throw new Error('not on Walrus, not at the worker')
      blobs.set(id, elsewhere.get(id)!)
      return '/unused'
    }
  } as unknown as CreatorComponents['blobs']
  api = new ApiServer({ token: TOKEN, port: 0, metrics: new MetricsRegistry(), logger: silentLogger })
  const creator = { job: (id: string) => (id === job.id ? job : undefined) } as unknown as CreatorService
  registerJobDownloadsApi({ api, blobs: store, logger: silentLogger, now: Date.now }, creator, limits)
  await api.start()
  const get = (path: string) => fetch(`${api!.url}/api/jobs/${job.id}/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  return { job, blobs, get, fetched }
}

async function unzip(bytes: ArrayBuffer): Promise<Map<string, Buffer>> {
  const path = join(dir, `z${Math.random().toString(16).slice(2)}.zip`)
  await writeFile(path, Buffer.from(bytes))
  const out = new Map<string, Buffer>()
  for (const f of await readZipProject(path)) {
    const chunks: Buffer[] = []
    for await (const c of f.open()) chunks.push(Buffer.from(c))
    out.set(f.path, Buffer.concat(chunks))
  }
  return out
}

describe('job downloads', () => {
  it('zips every accepted frame under its frame file name, byte for byte, at the announced length', async () => {
    const { get, blobs } = await serve([1, 2, 3, 4])
    const res = await get('frames.zip')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="pictor-111111111111-frames.zip"/)
    const body = await res.arrayBuffer()
    expect(body.byteLength).toBe(Number(res.headers.get('content-length')))
    const files = await unzip(body)
    expect([...files.keys()]).toEqual(['000001.png', '000002.png', '000003.png', '000004.png'])
    expect(files.get('000003.png')!.equals(blobs.get((3).toString(16).padStart(64, '0'))!)).toBe(true)
  })

  it('lists the frames it could not get in MISSING.txt, and answers 404 when it has none', async () => {
    const some = await serve([2, 4])
    const files = await unzip(await (await some.get('frames.zip')).arrayBuffer())
    expect([...files.keys()]).toEqual(['000002.png', '000004.png', 'MISSING.txt'])
    expect(files.get('MISSING.txt')!.toString()).toMatch(/\n1\n3\n$/)
    await api!.stop()
    const none = await serve([])
    const res = await none.get('frames.zip')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: string }).error).toMatch(/none of the 4 accepted frames/)
  })

  it('fetches frames stored elsewhere into the zip, but starts no fetch past its budget', async () => {
    const some = await serve([1, 2], DOWNLOAD_LIMITS, [3])
    const files = await unzip(await (await some.get('frames.zip')).arrayBuffer())
    expect([...files.keys()]).toEqual(['000001.png', '000002.png', '000003.png', 'MISSING.txt'])
    expect(some.fetched).toHaveLength(2)
    await api!.stop()
    const spent = await serve([1, 2], { ...DOWNLOAD_LIMITS, fetchBudgetMs: 0 }, [3])
    const kept = await unzip(await (await spent.get('frames.zip')).arrayBuffer())
    expect([...kept.keys()]).toEqual(['000001.png', '000002.png', 'MISSING.txt'])
    expect(kept.get('MISSING.txt')!.toString()).toMatch(/\n3\n4\n$/)
    expect(spent.fetched).toEqual([])
  })

  it('refuses a zip over its size cap with one line (413), and unknown jobs with 404', async () => {
    const { get } = await serve([1, 2, 3, 4], { ...DOWNLOAD_LIMITS, maxZipBytes: 500 })
    const res = await get('frames.zip')
    expect(res.status).toBe(413)
    const { error } = (await res.json()) as { error: string }
    expect(error).toMatch(/over the 500 bytes one download may be/)
    expect(error).not.toContain('\n')
    const unknown = await fetch(`${api!.url}/api/jobs/${'99'.repeat(32)}/frames.zip`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(unknown.status).toBe(404)
  })

  it('serves a contact sheet of the frames in rows, and an animated preview with a frame each', async () => {
    const { get } = await serve([1, 2, 3, 4])
    const sheet = await get('contact-sheet.png')
    expect(sheet.status).toBe(200)
    expect(sheet.headers.get('content-type')).toBe('image/png')
    const meta = await sharp(Buffer.from(await sheet.arrayBuffer())).metadata()
    // Four frames of 64 px, 4 across with a 4 px shim.
    expect(meta).toMatchObject({ format: 'png', width: 4 * WIDTH + 3 * 4, height: HEIGHT })
    const preview = await get('preview.webp')
    expect(preview.headers.get('content-type')).toBe('image/webp')
    const pm = await sharp(Buffer.from(await preview.arrayBuffer()), { animated: true }).metadata()
    expect(pm).toMatchObject({ format: 'webp', pages: 4, width: WIDTH })
  })

  it('samples frames evenly, first and last included', () => {
    expect(evenlySpaced([1, 2, 3], 5)).toEqual([1, 2, 3])
    expect(evenlySpaced(Array.from({ length: 100 }, (_, i) => i), 5)).toEqual([0, 25, 50, 74, 99])
    expect(evenlySpaced([1, 2, 3], 1)).toEqual([1])
  })
})
