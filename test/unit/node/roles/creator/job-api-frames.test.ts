// GET /api/jobs/:id/frames/:n over real HTTP: only a job's own frame numbers
// name frames, and a frame the creator no longer stores is read from its
// Walrus copy or its worker.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiServer } from '../../../../../node/api/server.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { MetricsRegistry } from '../../../../../node/metrics/index.ts'
import type { CreatorComponents, CreatorService } from '../../../../../node/roles/creator/index.ts'
import { registerJobApi } from '../../../../../node/roles/creator/job-api.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'

const TOKEN = 'cd'.repeat(32)
const WORKER_PEER = '12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB'
const FRAME_ID = 'ab'.repeat(32)
const REF = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 40 }
const PNG = Buffer.from('stand-in frame bytes')

const job = {
  id: 'ee'.repeat(32),
  spec: { outputFormat: 'PNG' },
  admitted: { ['aa'.repeat(32)]: { peerId: WORKER_PEER, price: 1 } },
  frames: { 7: { blobId: FRAME_ID, pixelHash: '00'.repeat(32), worker: 'aa'.repeat(32), size: PNG.length, walrus: REF } }
} as unknown as JobRecord

let api: ApiServer | undefined
afterEach(() => api?.stop())

async function serve(held: boolean) {
  const fetched: unknown[] = []
  let stored = held
  const blobs = {
    stat: async (id: string) => (stored ? { id, size: PNG.length } : undefined),
    get: async function* () {
      yield PNG
    },
    fetchToPath: async (id: string, options: unknown) => {
      fetched.push({ id, options })
      stored = true
      return '/unused'
    }
  } as unknown as CreatorComponents['blobs']
  api = new ApiServer({ token: TOKEN, port: 0, metrics: new MetricsRegistry(), logger: silentLogger })
  const creator = { job: (id: string) => (id === job.id ? job : undefined), noBids: () => undefined } as unknown as CreatorService
  registerJobApi({ api, blobs, now: Date.now, logger: silentLogger }, creator)
  await api.start()
  const get = (frame: string) => fetch(`${api!.url}/api/jobs/${job.id}/frames/${frame}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  return { get, fetched }
}

describe('GET /api/jobs/:id/frames/:n', () => {
  it('answers 404 for names that are no frame of the job, 400 for bad percent-encoding, never 500', async () => {
    const { get } = await serve(true)
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '8']) {
      const res = await get(name)
      expect(res.status, name).toBe(404)
      expect(((await res.json()) as { error: string }).error).toMatch(/is not done/)
    }
    expect((await get('%E0%A4%A')).status).toBe(400)
    const ok = await get('7')
    expect(ok.status).toBe(200)
    expect(Buffer.from(await ok.arrayBuffer()).equals(PNG)).toBe(true)
  })

  it('reads a frame it no longer stores from its Walrus copy, then its worker', async () => {
    const { get, fetched } = await serve(false)
    const res = await get('7')
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true)
    expect(fetched).toHaveLength(1)
    const { id, options } = fetched[0] as { id: string; options: { remote: unknown; peers: { toString(): string }[] } }
    expect(id).toBe(FRAME_ID)
    expect(options.remote).toEqual({ ref: REF, size: PNG.length })
    expect(options.peers.map(String)).toEqual([WORKER_PEER])
  })
})
