// The Walrus blob backend, each figure against a baseline of the same run:
//   throughput  WalrusBlobs.publish / fetchInto of one 64 MiB object against
//               `pictor walrus-dev` (28 shards) in a child process, vs raw TCP
//               on 127.0.0.1; plus how long the client's blob ids of the same
//               parts take alone (upload overlaps them with the transfer).
//   blobId      computeWalrusBlobId per MiB at 28 shards and per call at 1000
//               (Walrus testnet and mainnet), vs sha256 of the same bytes.
//   bundling    4 frame-sized blobs published as one object vs 4 objects, and
//               what 3 more blob ids would cost at 1000 shards.
//   demo        `npm start` job wall time with --blobs walrus vs --blobs p2p,
//               alternating, each run a child process.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { type BlobIndexDb, createLocalBlobStore, type LocalBlobStore } from '../../node/blobs/index.ts'
import { computeWalrusBlobId, WALRUS_MAINNET_SHARDS, WalrusBlobs, WalrusHttpClient } from '../../node/blobs/walrus/index.ts'
import { silentLogger } from '../../node/log.ts'
import { demoJobWallS } from './lib/demo-run.ts'
import { rawTcpTransferMs } from './lib/raw-tcp.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'
import { startWalrusDevChild } from './lib/walrus-child.ts'

const BENCH = 'walrus'
const MIB = 1024 * 1024
const SHARDS = 28
/** The node's default part size, what public publishers accept per request. */
const PART_BYTES = 10 * MIB
const OBJECT_MIB = 64
const RUNS = 3
const FRAMES = 4
const FRAME_BYTES = 200_000
const BUNDLE_RUNS = 5
const DEMO_RUNS = 3

const median = (xs: number[], digits = 1) => round(summarise(xs).median, digits)
const rounded = (xs: number[], digits = 1) => xs.map((x) => round(x, digits))

async function ms(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

interface Rig {
  dir: string
  source: LocalBlobStore
  /** A fresh index each call, so nothing counts as published already. */
  blobs(local?: LocalBlobStore): WalrusBlobs
  store(name: string): Promise<LocalBlobStore>
}

function rig(url: string, dir: string, db: Level<string, string>, source: LocalBlobStore): Rig {
  let n = 0
  const index = (name: string): BlobIndexDb => db.sublevel<string, string>(name, { valueEncoding: 'utf8' })
  const client = new WalrusHttpClient({ publisherUrl: url, aggregatorUrl: url, epochs: 5, logger: silentLogger })
  return {
    dir,
    source,
    blobs: (local = source) => new WalrusBlobs({ client, local, index: index(`walrus-${n++}`), shards: SHARDS, maxPartBytes: PART_BYTES, logger: silentLogger }),
    store: (name) => createLocalBlobStore({ dir: join(dir, name), index: index(name), logger: silentLogger })
  }
}

async function throughput(r: Rig) {
  const bytes = randomBytes(OBJECT_MIB * MIB)
  const { id, size } = await r.source.put(bytes)
  // Copies, as WalrusBlobs uploads them: posting a subarray would clone all 64 MiB.
  const parts: Uint8Array[] = []
  for (let at = 0; at < size; at += PART_BYTES) parts.push(bytes.slice(at, at + PART_BYTES))
  const up: number[] = []
  const down: number[] = []
  const raw: number[] = []
  const ids: number[] = []
  for (let run = 0; run < RUNS; run++) {
    progress(BENCH, `throughput run ${run + 1}/${RUNS}: raw tcp, blob ids, publish, fetch of ${OBJECT_MIB} MiB`)
    raw.push(await rawTcpTransferMs(bytes))
    ids.push(await ms(async () => void (await Promise.all(parts.map((p) => computeWalrusBlobId(p, SHARDS))))))
    const started = performance.now()
    const ref = (await r.blobs().publish([id])).get(id)
    up.push(performance.now() - started)
    if (ref === undefined) throw new Error('publish returned no ref')
    const target = await r.store(`target-${run}`)
    down.push(
      await ms(async () => {
        const stat = await r.blobs(target).fetchInto(ref, id, size)
        if (stat.id !== id) throw new Error(`fetched ${stat.id}, expected ${id}`)
      })
    )
    await rm(join(r.dir, `target-${run}`), { recursive: true, force: true })
  }
  const rate = (xs: number[]) => xs.map((t) => OBJECT_MIB / (t / 1000))
  const [upMiBs, downMiBs, rawMiBs] = [median(rate(up)), median(rate(down)), median(rate(raw))]
  return {
    params: { objectMiB: OBJECT_MIB, partMiB: PART_BYTES / MIB, parts: parts.length, shards: SHARDS, runs: RUNS },
    uploadMiBs: upMiBs,
    downloadMiBs: downMiBs,
    uploadRunsMiBs: rounded(rate(up)),
    downloadRunsMiBs: rounded(rate(down)),
    rawOverUpload: round(rawMiBs / upMiBs, 1),
    rawOverDownload: round(rawMiBs / downMiBs, 1),
    uploadMs: median(up, 0),
    clientBlobIdsMs: median(ids, 0),
    clientBlobIdShareOfUpload: round(summarise(ids).median / summarise(up).median, 2),
    baseline: { rawTcpMiBs: rawMiBs, rawTcpRunsMiBs: rounded(rate(raw)) }
  }
}

async function blobIdCost() {
  const perMiB28: Record<string, number> = {}
  const sha: number[] = []
  for (const mib of [1, 4, 10]) {
    const bytes = randomBytes(mib * MIB)
    const runs: number[] = []
    for (let run = 0; run < RUNS; run++) runs.push((await ms(() => computeWalrusBlobId(bytes, SHARDS))) / mib)
    for (let run = 0; run < RUNS; run++) sha.push((await ms(async () => createHash('sha256').update(bytes).digest())) / mib)
    perMiB28[`${mib}MiB`] = median(runs)
  }
  const small = randomBytes(1024)
  const perCall28Ms1KiB = median(await repeat(RUNS, () => ms(() => computeWalrusBlobId(small, SHARDS))))
  const perCall1000: Record<string, number> = {}
  for (const [name, bytes] of [
    ['1KiB', small],
    ['1MiB', randomBytes(MIB)]
  ] as const) {
    progress(BENCH, `blob id of ${name} at ${WALRUS_MAINNET_SHARDS} shards, ${RUNS} runs`)
    perCall1000[name] = median(await repeat(RUNS, () => ms(() => computeWalrusBlobId(bytes, WALRUS_MAINNET_SHARDS))), 0)
  }
  return {
    shards28MsPerMiB: perMiB28,
    shards28MsPerCall1KiB: perCall28Ms1KiB,
    shards1000MsPerCall: perCall1000,
    baseline: { sha256MsPerMiB: median(sha, 2) }
  }
}

async function bundling(r: Rig, fixed1000Ms: number) {
  const one: number[] = []
  const separate: number[] = []
  for (let run = 0; run < BUNDLE_RUNS; run++) {
    const ids: string[] = []
    for (let f = 0; f < FRAMES; f++) ids.push((await r.source.put(randomBytes(FRAME_BYTES))).id)
    const bundled = () => ms(() => r.blobs().publish(ids))
    const apart = () =>
      ms(async () => {
        const walrus = r.blobs()
        for (const id of ids) await walrus.publish([id])
      })
    // Alternate which goes first, so neither always meets a warmer server.
    if (run % 2 === 0) {
      one.push(await bundled())
      separate.push(await apart())
    } else {
      separate.push(await apart())
      one.push(await bundled())
    }
  }
  const [oneMs, separateMs] = [median(one), median(separate)]
  return {
    params: { frames: FRAMES, frameBytes: FRAME_BYTES, shards: SHARDS, runs: BUNDLE_RUNS },
    separateObjectsMs: separateMs,
    separateRunsMs: rounded(separate),
    separateOverOne: round(separateMs / oneMs, 2),
    // A blob id costs about the same whatever the size at 1000 shards, so 4 ids cost 3 more calls than 1.
    extraBlobIdCpuMsAt1000Shards: round((FRAMES - 1) * fixed1000Ms, 0),
    baseline: { oneObjectMs: oneMs, oneObjectRunsMs: rounded(one) }
  }
}

async function demo() {
  const walrus: number[] = []
  const p2p: number[] = []
  for (let run = 0; run < DEMO_RUNS; run++) {
    progress(BENCH, `demo run ${run + 1}/${DEMO_RUNS}: --blobs walrus, then --blobs p2p`)
    walrus.push(await demoJobWallS('walrus'))
    p2p.push(await demoJobWallS('p2p'))
  }
  const [walrusS, p2pS] = [median(walrus), median(p2p)]
  return {
    params: { runs: DEMO_RUNS },
    walrusJobWallS: walrusS,
    walrusRunsS: walrus,
    walrusOverP2p: round(walrusS / p2pS, 2),
    baseline: { p2pJobWallS: p2pS, p2pRunsS: p2p }
  }
}

async function repeat(n: number, run: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await run())
  return out
}

await runBench(BENCH, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-walrus-'))
  // Start the encoder thread, so its start-up is in no figure.
  await computeWalrusBlobId(new Uint8Array(1), SHARDS)
  const server = await startWalrusDevChild(join(dir, 'walrus-dev'), SHARDS)
  const db = new Level<string, string>(join(dir, 'db'))
  try {
    const source = await createLocalBlobStore({ dir: join(dir, 'source'), index: db.sublevel<string, string>('source', { valueEncoding: 'utf8' }), logger: silentLogger })
    const r = rig(server.url, dir, db, source)
    const flow = await throughput(r)
    progress(BENCH, 'blob id cost')
    const blobId = await blobIdCost()
    progress(BENCH, `bundling: ${FRAMES} x ${FRAME_BYTES} bytes, ${BUNDLE_RUNS} runs`)
    const bundle = await bundling(r, blobId.shards1000MsPerCall['1KiB'] ?? Number.NaN)
    await server.stop()
    return { bench: BENCH, throughput: flow, blobId, bundling: bundle, demo: await demo() }
  } finally {
    await server.stop()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
})
