// 100 MiB blob fetched between two hosts over /pictor/blob/1.0.0: BlobServer
// reading (and re-hashing) from one LocalBlobStore, fetchBlobFromPeer writing
// into another, which keeps the bytes only if they hash to the requested id.
// Baseline in the same run: the same 100 MiB over raw node:net TCP on
// 127.0.0.1, the receiver only counting bytes. `localPut` (hash + write into
// a store, no network) and `stream` (the bytes over one plain libp2p stream,
// paced like the blob server, receiver only counting) show where the gap is.
// Each figure is the median of RUNS transfers.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServer, type BlobIndexDb, createLocalBlobStore, fetchBlobFromPeer, type LocalBlobStore } from '../../node/blobs/index.ts'
import { sendPaced } from '../../node/blobs/stream-io.ts'
import { silentLogger } from '../../node/log.ts'
import { type BenchHost, connect, startHosts, stopHosts } from './lib/hosts.ts'
import { rawTcpTransferMs } from './lib/raw-tcp.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'

const BENCH = 'blob-throughput'
const MIB = 1024 * 1024
const BLOB_MIB = 100
const RUNS = 3
const CHUNK_BYTES = 64 * 1024

/** The index is not what is measured: a Map stands in for the node's LevelDB sublevel. */
function memoryIndex(): BlobIndexDb {
  const map = new Map<string, string>()
  return {
    get: async (key) => map.get(key),
    put: async (key, value) => {
      map.set(key, value)
    },
    del: async (key) => {
      map.delete(key)
    },
    keys: async function* () {
      yield* map.keys()
    }
  }
}

const store = (dir: string): Promise<LocalBlobStore> => createLocalBlobStore({ dir, index: memoryIndex(), logger: silentLogger })

const mibPerSecond = (ms: number): number => BLOB_MIB / (ms / 1000)

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now()
  await run()
  return mibPerSecond(performance.now() - start)
}

const STREAM_PROTOCOL = '/pictor-bench/sink/1.0.0'

/** Receiver side of `stream`: counts bytes until the sender closes, then closes. */
async function serveSink(host: BenchHost): Promise<void> {
  await host.libp2p.handle(STREAM_PROTOCOL, async (stream) => {
    try {
      for await (const chunk of stream) void chunk
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  })
}

async function libp2pStreamMiBs(client: BenchHost, server: BenchHost, bytes: Uint8Array): Promise<number> {
  return timed(async () => {
    const stream = await server.libp2p.dialProtocol(client.libp2p.peerId, STREAM_PROTOCOL)
    for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) await sendPaced(stream, bytes.subarray(offset, offset + CHUNK_BYTES))
    // close() resolves once the remote has read to the end and closed its side.
    await stream.close()
  })
}

const median = (xs: number[]) => round(summarise(xs).median, 1)

await runBench(BENCH, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-blob-'))
  const hosts = await startHosts(2, 0x626c)
  const [client, server] = hosts as [BenchHost, BenchHost]
  const serverStore = await store(join(dir, 'server'))
  const blobServer = new BlobServer({ libp2p: server.libp2p, store: serverStore, logger: silentLogger })
  try {
    const bytes = randomBytes(BLOB_MIB * MIB)
    const { id } = await serverStore.put(bytes)
    await blobServer.start()
    await serveSink(client)
    await connect(client, server)

    const raw: number[] = []
    const libp2p: number[] = []
    const localPut: number[] = []
    const stream: number[] = []
    for (let run = 0; run < RUNS; run++) {
      progress(BENCH, `run ${run + 1}/${RUNS}: raw tcp, libp2p stream, local put, blob fetch of ${BLOB_MIB} MiB`)
      // Same chunking as the store's reads, and honouring backpressure, as the blob server does.
      raw.push(mibPerSecond(await rawTcpTransferMs(bytes, CHUNK_BYTES)))
      stream.push(await libp2pStreamMiBs(client, server, bytes))
      const local = await store(join(dir, `local-${run}`))
      localPut.push(await timed(async () => void (await local.put(bytes))))
      const target = await store(join(dir, `client-${run}`))
      libp2p.push(
        await timed(async () => {
          const stat = await fetchBlobFromPeer(client.libp2p, target, server.libp2p.peerId, id)
          if (stat.size !== bytes.byteLength) throw new Error(`fetched ${stat.size} bytes, expected ${bytes.byteLength}`)
        })
      )
      await rm(join(dir, `local-${run}`), { recursive: true, force: true })
      await rm(join(dir, `client-${run}`), { recursive: true, force: true })
    }
    const fetchMiBs = median(libp2p)
    const rawMiBs = median(raw)
    return {
      bench: BENCH,
      params: { blobMiB: BLOB_MIB, runs: RUNS },
      hashVerified: true,
      fetchMiBs,
      fetchRunsMiBs: libp2p.map((x) => round(x, 1)),
      streamMiBs: median(stream),
      localPutMiBs: median(localPut),
      rawOverFetch: round(rawMiBs / fetchMiBs, 1),
      baseline: { rawTcpMiBs: rawMiBs, rawTcpRunsMiBs: raw.map((x) => round(x, 1)) }
    }
  } finally {
    await blobServer.stop()
    await stopHosts(hosts)
    await rm(dir, { recursive: true, force: true })
  }
})
