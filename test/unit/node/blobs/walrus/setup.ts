// A WalrusBlobs wired to an embedded walrus-dev server on 127.0.0.1, with a
// publishing node's local store and a second, empty one to read into. Every
// HTTP request the client makes is counted.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { type BlobIndexDb, LocalBlobStore } from '../../../../../node/blobs/local-store.ts'
import { computeWalrusBlobId } from '../../../../../node/blobs/walrus/blob-id.ts'
import { WalrusHttpClient, type WalrusHttpClientInit } from '../../../../../node/blobs/walrus/http-client.ts'
import { type WalrusBlobsInit, WalrusBlobs } from '../../../../../node/blobs/walrus/walrus-blobs.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { startWalrusDevServer, type WalrusDevServer } from '../../../../../node/walrus-dev/index.ts'

export interface Setup {
  server: WalrusDevServer
  /** The publishing node's store. */
  source: LocalBlobStore
  /** A node that has nothing yet. */
  target: LocalBlobStore
  walrus: WalrusBlobs
  /** The same backend on the target node: reads go into `target`. */
  reader: WalrusBlobs
  /** Index of what `walrus` published. */
  published: BlobIndexDb
  /** Requests made, as "METHOD path" (query dropped). */
  requests: string[]
  /** Another WalrusBlobs on the same server and index, with other settings. */
  remake(init?: Partial<WalrusBlobsInit>, client?: Partial<WalrusHttpClientInit>): WalrusBlobs
  /** A client of the server, its requests counted with the others. */
  makeClient(client?: Partial<WalrusHttpClientInit>): WalrusHttpClient
  /** Puts random bytes into the source store and returns its id. */
  blob(size: number): Promise<{ id: string; bytes: Buffer }>
  cleanup(): Promise<void>
}

export const SHARDS = 10

export async function setup(init: Partial<WalrusBlobsInit> = {}, clientInit: Partial<WalrusHttpClientInit> = {}): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-walrus-blobs-'))
  // Start the encoder thread now, so its start-up never eats a test's short timeout.
  await computeWalrusBlobId(new Uint8Array(1), SHARDS)
  const db = new Level<string, string>(join(dir, 'db'))
  const server = await startWalrusDevServer({ dir: join(dir, 'walrus'), shards: SHARDS, port: 0, logger: silentLogger })
  const source = new LocalBlobStore({ dir: join(dir, 'source'), index: db.sublevel<string, string>('source', { valueEncoding: 'utf8' }), logger: silentLogger })
  const target = new LocalBlobStore({ dir: join(dir, 'target'), index: db.sublevel<string, string>('target', { valueEncoding: 'utf8' }), logger: silentLogger })
  await source.start()
  await target.start()
  const published = db.sublevel<string, string>('walrus', { valueEncoding: 'utf8' })
  const requests: string[] = []
  const counted: typeof fetch = (input, options) => {
    const url = new URL(String(input))
    requests.push(`${options?.method ?? 'GET'} ${url.pathname}`)
    return fetch(input, options)
  }
  const makeClient = (moreClient: Partial<WalrusHttpClientInit> = {}) =>
    new WalrusHttpClient({
      publisherUrl: server.url,
      aggregatorUrl: server.url,
      epochs: 5,
      timeoutMs: 5_000,
      retries: 3,
      retryBaseMs: 1,
      retryMaxMs: 10,
      fetch: counted,
      logger: silentLogger,
      ...clientInit,
      ...moreClient
    })
  const remake = (more: Partial<WalrusBlobsInit> = {}, moreClient: Partial<WalrusHttpClientInit> = {}) =>
    new WalrusBlobs({ client: makeClient(moreClient), local: source, index: published, shards: SHARDS, maxPartBytes: 64 * 1024, logger: silentLogger, ...init, ...more })
  return {
    server,
    source,
    target,
    walrus: remake(),
    reader: remake({ local: target }),
    published,
    requests,
    remake,
    makeClient,
    async blob(size) {
      const bytes = randomBytes(size)
      const { id } = await source.put(bytes)
      return { id, bytes }
    },
    async cleanup() {
      await server.close()
      await db.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export async function readAll(store: LocalBlobStore, id: string): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(id)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export async function keysOf(db: { keys(): AsyncIterable<string> }): Promise<string[]> {
  const out: string[] = []
  for await (const key of db.keys()) out.push(key)
  return out
}
