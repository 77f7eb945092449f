// A walrus-dev server on 127.0.0.1 (any port) in a temp folder, with small
// helpers to store and read blobs over real HTTP.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWalrusDevServer, type WalrusDevServer, type WalrusDevServerInit } from '../../../../node/walrus-dev/index.ts'

export interface Harness {
  dir: string
  server: WalrusDevServer
  start(init?: Partial<WalrusDevServerInit>): Promise<WalrusDevServer>
  put(body: Uint8Array | string, query?: string): Promise<Response>
  get(id: string, headers?: Record<string, string>): Promise<Response>
  cleanup(): Promise<void>
}

export async function harness(init: Partial<WalrusDevServerInit> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-walrus-dev-'))
  const h: Harness = {
    dir,
    server: undefined as unknown as WalrusDevServer,
    async start(more = {}) {
      await h.server?.close()
      h.server = await startWalrusDevServer({ dir: join(dir, 'walrus'), shards: 10, port: 0, ...init, ...more })
      return h.server
    },
    put: (body, query = '') => fetch(`${h.server.url}/v1/blobs${query}`, { method: 'PUT', body: typeof body === 'string' ? body : Buffer.from(body) }),
    get: (id, headers = {}) => fetch(`${h.server.url}/v1/blobs/${id}`, { headers }),
    async cleanup() {
      await h.server?.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  await h.start()
  return h
}

export interface NewlyCreated {
  newlyCreated: {
    blobObject: {
      id: string
      registeredEpoch: number
      blobId: string
      size: number
      encodingType: string
      certifiedEpoch: number
      storage: { id: string; startEpoch: number; endEpoch: number; storageSize: number }
      deletable: boolean
    }
    resourceOperation: { registerFromScratch: { encodedLength: number; epochsAhead: number } }
    cost: number
    sharedBlobObject?: string
  }
}

/** Stores `body` and returns the blob id the server answered. */
export async function store(h: Harness, body: Uint8Array | string, query = ''): Promise<string> {
  const res = await h.put(body, query)
  if (res.status !== 200) throw new Error(`store answered ${res.status}: ${await res.text()}`)
  const json = (await res.json()) as NewlyCreated & { alreadyCertified?: { blobId: string } }
  return json.newlyCreated?.blobObject.blobId ?? json.alreadyCertified!.blobId
}

export const OBJECT_ID = /^0x[0-9a-f]{64}$/
export const BLOB_ID = /^[A-Za-z0-9_-]{43}$/
