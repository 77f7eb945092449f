// 100 MiB blob fetched between two pictor hosts (node/net/host.ts) over
// /pictor/blob/1.0.0: BlobServer reading from one LocalBlobStore,
// fetchBlobFromPeer writing into another (fsynced, as a node's fetches are),
// which keeps the bytes only if they hash to the requested id.
// Baselines in the same run, one of each per round, interleaved:
//   stream         the same bytes over one plain libp2p stream between the
//                  same hosts, sent in the blob server's chunks and paced the
//                  same way; the receiver only counts bytes
//   rawTcp         the same bytes over one node:net socket on 127.0.0.1 in
//                  the same chunks, the receiver only counting
//   defaultStream  `stream` between two hosts with libp2p's default
//                  tcp/noise/yamux settings: what the transport tuning gains
//   localPut       hash + write into a store, no network
//   floor          what any fetch of a content-addressed file must do, with
//                  Node's primitives and no pictor code: the file read and
//                  sent over one plain libp2p stream, the receiver hashing
//                  (sha256), writing and fsyncing it (lib/file-stream-floor.ts).
//                  floorOverStream is how far below the stream that work
//                  alone holds any fetch on these cores; fetchOverFloor is
//                  what the blob protocol and the store cost beyond it
// Figures are medians of RUNS rounds, in MiB/s; cpuMsPerMiB is the process's
// CPU time (all threads, both ends) per MiB moved, less sensitive than MiB/s
// to other load on the machine.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { BLOB_CHUNK_BYTES, BlobServer, createLocalBlobStore, memoryBlobIndex, fetchBlobFromPeer, type LocalBlobStore } from '../../node/blobs/index.ts'
import { sendPaced } from '../../node/blobs/stream-io.ts'
import { silentLogger } from '../../node/log.ts'
import { type BenchHost, connect, startHosts, stopHosts } from './lib/hosts.ts'
import { sendFile, serveFileSink } from './lib/file-stream-floor.ts'
import { rawTcpTransferMs } from './lib/raw-tcp.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'

const BENCH = 'blob-throughput'
const MIB = 1024 * 1024
const BLOB_MIB = 100
const RUNS = 5


const store = (dir: string): Promise<LocalBlobStore> => createLocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })

interface Sample {
  mibs: number
  /** All threads of the process (both ends, hash thread, fs and GC threads). */
  cpuMsPerMiB: number
  /** The event loop's thread alone: what bounds throughput when other cores are free. */
  mainCpuMsPerMiB: number
}

async function measure(run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage()
  const main = process.threadCpuUsage()
  const start = performance.now()
  await run()
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  const usedMain = process.threadCpuUsage(main)
  return {
    mibs: BLOB_MIB / (ms / 1000),
    cpuMsPerMiB: (used.user + used.system) / 1000 / BLOB_MIB,
    mainCpuMsPerMiB: (usedMain.user + usedMain.system) / 1000 / BLOB_MIB
  }
}

const STREAM_PROTOCOL = '/pictor-bench/sink/1.0.0'

/** Receiver side of `stream`: counts bytes until the sender closes, then closes. */
async function serveSink(libp2p: Libp2p): Promise<void> {
  await libp2p.handle(STREAM_PROTOCOL, async (stream) => {
    try {
      for await (const chunk of stream) void chunk
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  })
}

/** The blob server's sending pattern without the blob protocol: BLOB_CHUNK_BYTES at a time, paced. */
async function sendOverStream(from: Libp2p, to: Libp2p, bytes: Uint8Array): Promise<void> {
  const stream = await from.dialProtocol(to.peerId, STREAM_PROTOCOL)
  for (let offset = 0; offset < bytes.byteLength; offset += BLOB_CHUNK_BYTES) await sendPaced(stream, bytes.subarray(offset, offset + BLOB_CHUNK_BYTES))
  // close() resolves once the remote has read to the end and closed its side.
  await stream.close()
}

/** Two hosts with libp2p's default transport settings, for `defaultStream`. */
async function defaultHosts(): Promise<[Libp2p, Libp2p]> {
  const make = () =>
    createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  const [a, b] = await Promise.all([make(), make()])
  await serveSink(b)
  await a.dial(b.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
  return [a, b]
}

function summary(samples: Sample[]): Sample {
  const median = (pick: (s: Sample) => number, digits: number) => round(summarise(samples.map(pick)).median, digits)
  return { mibs: median((s) => s.mibs, 1), cpuMsPerMiB: median((s) => s.cpuMsPerMiB, 2), mainCpuMsPerMiB: median((s) => s.mainCpuMsPerMiB, 2) }
}

await runBench(BENCH, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-blob-'))
  const hosts = await startHosts(2, 0x626c)
  const [client, server] = hosts as [BenchHost, BenchHost]
  const plain = await defaultHosts()
  const serverStore = await store(join(dir, 'server'))
  const blobServer = new BlobServer({ libp2p: server.libp2p, store: serverStore, logger: silentLogger })
  try {
    const bytes = randomBytes(BLOB_MIB * MIB)
    const { id } = await serverStore.put(bytes)
    await blobServer.start()
    await serveSink(client.libp2p)
    await serveFileSink(client.libp2p, dir, () => id)
    await connect(client, server)

    const samples = { fetch: [] as Sample[], stream: [] as Sample[], rawTcp: [] as Sample[], defaultStream: [] as Sample[], localPut: [] as Sample[], floor: [] as Sample[] }
    for (let run = 0; run < RUNS; run++) {
      progress(BENCH, `round ${run + 1}/${RUNS}: raw tcp, libp2p stream, default libp2p stream, local put, floor, blob fetch of ${BLOB_MIB} MiB`)
      samples.rawTcp.push(await measure(async () => void (await rawTcpTransferMs(bytes, BLOB_CHUNK_BYTES))))
      samples.stream.push(await measure(() => sendOverStream(server.libp2p, client.libp2p, bytes)))
      samples.defaultStream.push(await measure(() => sendOverStream(plain[0], plain[1], bytes)))
      const local = await store(join(dir, `local-${run}`))
      samples.localPut.push(await measure(async () => void (await local.put(bytes))))
      samples.floor.push(await measure(() => sendFile(server.libp2p, client.libp2p, serverStore.pathOf(id))))
      await rm(join(dir, `floor-${run}`), { force: true })
      const target = await store(join(dir, `client-${run}`))
      samples.fetch.push(
        await measure(async () => {
          const stat = await fetchBlobFromPeer(client.libp2p, target, server.libp2p.peerId, id)
          if (stat.size !== bytes.byteLength) throw new Error(`fetched ${stat.size} bytes, expected ${bytes.byteLength}`)
        })
      )
      await rm(join(dir, `local-${run}`), { recursive: true, force: true })
      await rm(join(dir, `client-${run}`), { recursive: true, force: true })
    }
    const fetch = summary(samples.fetch)
    const stream = summary(samples.stream)
    const rawTcp = summary(samples.rawTcp)
    const defaultStream = summary(samples.defaultStream)
    const floor = summary(samples.floor)
    return {
      bench: BENCH,
      params: { blobMiB: BLOB_MIB, runs: RUNS, chunkBytes: BLOB_CHUNK_BYTES },
      hashVerified: true,
      fetchMiBs: fetch.mibs,
      fetchRunsMiBs: samples.fetch.map((s) => round(s.mibs, 1)),
      fetchOverStream: round(fetch.mibs / stream.mibs, 2),
      fetchOverRaw: round(fetch.mibs / rawTcp.mibs, 2),
      streamOverRaw: round(stream.mibs / rawTcp.mibs, 2),
      fetchOverFloor: round(fetch.mibs / floor.mibs, 2),
      floorOverStream: round(floor.mibs / stream.mibs, 2),
      localPutMiBs: summary(samples.localPut).mibs,
      cpuMsPerMiB: { fetch: fetch.cpuMsPerMiB, floor: floor.cpuMsPerMiB, stream: stream.cpuMsPerMiB, rawTcp: rawTcp.cpuMsPerMiB, defaultStream: defaultStream.cpuMsPerMiB },
      mainCpuMsPerMiB: { fetch: fetch.mainCpuMsPerMiB, floor: floor.mainCpuMsPerMiB, stream: stream.mainCpuMsPerMiB, rawTcp: rawTcp.mainCpuMsPerMiB, defaultStream: defaultStream.mainCpuMsPerMiB },
      goals: { fetchOverStream: '>= 0.9', fetchOverRaw: '>= 0.40' },
      baseline: {
        streamMiBs: stream.mibs,
        floorMiBs: floor.mibs,
        rawTcpMiBs: rawTcp.mibs,
        rawTcpRunsMiBs: samples.rawTcp.map((s) => round(s.mibs, 1)),
        defaultStreamMiBs: defaultStream.mibs
      }
    }
  } finally {
    await blobServer.stop()
    await stopHosts(hosts)
    await Promise.allSettled(plain.map((h) => h.stop()))
    await rm(dir, { recursive: true, force: true })
  }
})
