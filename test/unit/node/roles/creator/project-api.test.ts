import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeProjectManifest, type JobSpec, LIMITS, parseProjectManifest, validateJobSpec } from '../../../../../protocol/index.ts'
import { HttpError } from '../../../../../node/api/server.ts'
import { projectMainPath } from '../../../../../node/roles/creator/project-api.ts'
import { type ProjectNode, startProjectNode } from '../../cli/project-node.ts'

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')
const BLEND = Buffer.from('BLENDER-v304 stand-in')
const WOOD = Buffer.alloc(3000, 9)
const REF = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 0 }
const files = [
  { path: 'shot.blend', sha256: sha256(BLEND), size: BLEND.length },
  { path: 'textures/wood.png', sha256: sha256(WOOD), size: WOOD.length },
  { path: 'empty.txt', sha256: sha256(''), size: 0 }
]

let node: ProjectNode | undefined
afterEach(() => node?.stop())

async function post(body: unknown, contentType = 'application/json'): Promise<{ status: number; json: { id?: string; size?: number; error?: string } }> {
  const res = await fetch(`${node!.client.url}/api/projects`, { method: 'POST', headers: { authorization: `Bearer ${node!.client.token}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as { id?: string; size?: number; error?: string } }
}

async function storeAll(): Promise<void> {
  for (const data of [BLEND, WOOD, Buffer.alloc(0)]) await node!.store.put(data)
}

const specOf = (manifest: { id: string; size: number }, renderer = 'blender'): JobSpec => validateJobSpec({ renderer, sceneBlob: manifest.id, sceneSize: manifest.size, sceneProject: true, frameStart: 1, frameEnd: 1, width: 64, height: 36, maxPrice: 1 })

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(HttpError)
  return err as HttpError
}

describe('creator project API', () => {
  it('answers blob stats, 404 for what it lacks', async () => {
    node = await startProjectNode()
    await node.store.put(WOOD)
    expect(await node.client.request('GET', `/api/blobs/${sha256(WOOD)}/stat`)).toEqual({ id: sha256(WOOD), size: WOOD.length })
    await expect(node.client.request('GET', `/api/blobs/${sha256('nope')}/stat`)).rejects.toMatchObject({ status: 404 })
    await expect(node.client.request('GET', '/api/blobs/NOT-AN-ID/stat')).rejects.toMatchObject({ status: 400 })
  })

  it('stores the manifest of uploaded files, with the remote refs the node publishes', async () => {
    const published: string[][] = []
    node = await startProjectNode(async (ids) => {
      published.push(ids)
      return new Map(ids.map((id) => [id, REF]))
    })
    await storeAll()
    const { status, json } = await post({ main: 'shot.blend', files })
    expect(status).toBe(200)
    // Empty files have no remote range: not published, no ref.
    expect(published).toEqual([[sha256(BLEND), sha256(WOOD)]])
    const bytes = await readFile(node.store.pathOf(json.id!))
    expect(json).toEqual({ id: sha256(bytes), size: bytes.length })
    const manifest = parseProjectManifest(bytes)
    expect(manifest.files.map((f) => [f.path, f.walrus])).toEqual([
      ['empty.txt', undefined],
      ['shot.blend', REF],
      ['textures/wood.png', REF]
    ])
    expect(await projectMainPath(node.blobs, specOf(json as { id: string; size: number }))).toBe(node.store.pathOf(sha256(BLEND)))
  })

  it('stores it without refs peer to peer, or when publishing fails; refs a client sends are replaced', async () => {
    node = await startProjectNode(async () => {
      throw new Error('walrus down')
    })
    await storeAll()
    const { status, json } = await post({ main: 'shot.blend', files: files.map((f) => (f.size > 0 ? { ...f, walrus: REF } : f)) }, 'application/vnd.pictor+json')
    expect(status).toBe(200)
    const expected = encodeProjectManifest({ main: 'shot.blend', files })
    expect(json).toEqual({ id: sha256(expected), size: expected.length })
  })

  it('refuses a project with one line: bad list, missing file, wrong size, oversize body', async () => {
    node = await startProjectNode()
    expect(await post({ main: 'shot.blend', files })).toEqual({ status: 400, json: { error: `project file "empty.txt" (${sha256('').slice(0, 12)}) is not stored on this node; upload it first` } })
    await storeAll()
    expect(await post({ main: 'shot.blend', files: [{ ...files[0], size: 1 }] })).toEqual({ status: 400, json: { error: 'project file "shot.blend" is 1 bytes in the project but 21 bytes as stored' } })
    expect(await post({ main: 'shot.blend', files: [...files, { path: '../../etc/passwd', sha256: sha256(WOOD), size: WOOD.length }] })).toEqual({ status: 400, json: { error: `files[3].path "../../etc/passwd" has a '..' segment` } })
    expect(await post({ main: 'wood.png', files })).toMatchObject({ status: 400, json: { error: 'main "wood.png" must be a .blend file' } })
    expect((await post('{nope', 'application/vnd.pictor+json')).json).toEqual({ error: 'project list is not valid JSON' })
    expect((await post('x'.repeat(LIMITS.maxManifestBytes + 1), 'application/vnd.pictor+json')).status).toBe(413)
  })

  it('checks a project job: a manifest, every file stored, the blender renderer', async () => {
    node = await startProjectNode()
    await storeAll()
    const bytes = encodeProjectManifest({ main: 'shot.blend', files })
    const manifest = await node.store.put(bytes)
    expect(await projectMainPath(node.blobs, specOf(manifest))).toBe(node.store.pathOf(sha256(BLEND)))
    expect((await refusal(projectMainPath(node.blobs, specOf(manifest, 'builtin')))).message).toBe('a project scene needs the blender renderer, not builtin')
    const notManifest = await node.store.put(BLEND)
    expect((await refusal(projectMainPath(node.blobs, specOf(notManifest)))).message).toMatch(/is not a project manifest: project manifest is not UTF-8 JSON/)
    const missing = await node.store.put(encodeProjectManifest({ main: 'shot.blend', files: [...files, { path: 'gone.png', sha256: sha256('gone'), size: 4 }] }))
    expect((await refusal(projectMainPath(node.blobs, specOf(missing)))).message).toMatch(/project file "gone.png" .* is not stored on this node/)
  })
})
