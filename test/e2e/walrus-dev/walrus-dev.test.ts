// `pictor walrus-dev` as a user runs it: a separate process that prints its
// URL, stores a blob through its publisher and serves it back through its
// aggregator, and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeWalrusBlobId } from '../../../node/blobs/walrus/blob-id.ts'
import { pictor, ROOT } from '../helpers/cli.ts'

const NODE = join(ROOT, 'node_modules', '.bin', 'node')

async function startWalrusDev(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(NODE, [join(ROOT, 'bin', 'pictor.mjs'), 'walrus-dev', '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PICTOR_LOG: 'warn' } })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const m = /walrus-dev listening on (http:\/\/127\.0\.0\.1:\d+) \(28 shards/.exec(out)
    if (m) return { child, url: m[1]! }
    if (child.exitCode !== null) throw new Error(`walrus-dev exited with ${child.exitCode}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error('walrus-dev did not start')
}

let dir: string
let walrus: { child: ChildProcess; url: string }
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-walrus-dev-e2e-'))
  walrus = await startWalrusDev(join(dir, 'walrus'))
})
afterAll(async () => {
  if (walrus.child.exitCode === null && walrus.child.signalCode === null) walrus.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

describe('pictor walrus-dev (separate process)', () => {
  it('stores a blob, serves it back, and exits 0 on SIGTERM', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 13) % 256)
    const put = await fetch(`${walrus.url}/v1/blobs?epochs=2`, { method: 'PUT', body: Buffer.from(bytes) })
    expect(put.status).toBe(200)
    const { newlyCreated } = (await put.json()) as { newlyCreated: { blobObject: { blobId: string; storage: { endEpoch: number } } } }
    expect(newlyCreated.blobObject.blobId).toBe(await computeWalrusBlobId(bytes, 28))
    expect(newlyCreated.blobObject.storage.endEpoch).toBe(3)

    const get = await fetch(`${walrus.url}/v1/blobs/${newlyCreated.blobObject.blobId}`)
    expect(get.status).toBe(200)
    expect(get.headers.get('etag')).toBe(newlyCreated.blobObject.blobId)
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes)

    const exit = once(walrus.child, 'exit')
    walrus.child.kill('SIGTERM')
    const [code] = await exit
    expect(code).toBe(0)
  })

  it('refuses bad flags with one line and exit code 2', async () => {
    const { code, stderr } = await pictor(['walrus-dev', '--shards', '5000', '--dir', join(dir, 'other')])
    expect(code).toBe(2)
    expect(stderr.trim()).toBe('pictor: --shards must be a whole number from 4 to 4096, got "5000"')
  })
})
