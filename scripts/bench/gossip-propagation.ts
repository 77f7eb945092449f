// Gossip publish -> delivery at the LAST subscriber, per message, on 20- and
// 50-node loopback swarms in this one process (one event loop runs every
// node, so figures are upper bounds for a real network's per-hop cost).
//
// Pictor's path is the real one: WorkerOffer envelopes signed with
// signEnvelope (seq increasing per signer) published on pictor/offers/2 by
// pictor hosts (node/net/host.ts: libp2p does not sign, message id = sha256
// of the data) and delivered through GossipService, i.e. after
// validateGossip (decode, field rules, freshness, replay guard, Ed25519) at
// every hop.
//
// The baseline, in the same run, in blocks taking turns with it (each block
// drained before the next, so neither swarm's messages queue behind the
// other's on the one event loop, and each pays for its own CPU, as in a
// real network where every node has its own): a second swarm of
// plain gossipsub hosts (TCP + Noise + Yamux, identify, gossipsub with its
// defaults: StrictSign, so every hop checks libp2p's signature, message id
// from + seqno, no fast id, no application validator) wired with the same
// connections as the pictor swarm, publishing messages of the same size.
// The one default changed: loopback is exempt from the IP-colocation
// penalty, which would otherwise graylist every peer on 127.0.0.1.
//
// Per size: reachedAll = messages that reached every other node (latencies
// are over those), dialedDegree = neighbours from our dials,
// connectedDegree = actual connections (kad-dht dials more; the plain swarm
// gets the same ones), meshWaitMs = wait until every mesh held
// min(D_lo, degree) peers, vsBaseline = pictor / plain (below 1: faster).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub, type Message } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { MetricsRegistry } from '../../node/metrics/index.ts'
import { nodeEd25519 } from '../../node/identity/ed25519.ts'
import { silentLogger } from '../../node/log.ts'
import { GossipService } from '../../node/net/gossip.ts'
import { ReplayGuard, signEnvelope, TOPICS, validateGossip } from '../../protocol/index.ts'
import { type BenchHost, sleep, startHosts, stopHosts } from './lib/hosts.ts'
import { dialEdges, meshEdges, waitForMesh } from './lib/mesh.ts'
import { randomInt, seededRandom } from '../../testnet/seeded-random.ts'
import { progress, runBench } from './lib/report.ts'
import { figures, round } from './lib/stats.ts'

const BENCH = 'gossip-propagation'
/** Swarm sizes; `node scripts/bench/gossip-propagation.ts 50` runs one. */
const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [20, 50]
/**
 * Per kind and size: 100 pictor + 100 plain = 200 publishes per size. More
 * would not fit the suite's time budget on 2 cores: at 50 nodes the one
 * event loop is already busy, and a publish plus its gap takes ~80 ms.
 */
const MESSAGES = 100
/** Gap between two publishes, drawn uniformly. */
const GAP_MS = { min: 20, max: 50 }
/** Messages per block: pictor and plain blocks take turns, each drained before the next. */
const BLOCK = 25
/** Random dials per node on top of the ring: ~2 + 2 x 3 = 8 neighbours on average (gossipsub D = 6). */
const EXTRA_DIALS = 3
const PLAIN_TOPIC = 'pictor-bench/plain/1'
const MESH_TIMEOUT_MS = 20_000
/** How long stragglers may take after the last publish. */
const DRAIN_MS = 5000
/** gossipsub's D_lo: the mesh size waited for. */
const D_LO = 4

type PlainHost = Libp2p<{ pubsub: GossipSub }>

interface Tracked {
  t0: number
  remaining: number
  latencyMs?: number
}

interface Swarm {
  hosts: BenchHost[]
  gossips: GossipService[]
  /** Mean neighbours from our own dials; kad-dht adds connections of its own on top. */
  dialedDegree: number
}

function offer(seq: number): Parameters<typeof signEnvelope<'WorkerOffer'>>[3] {
  return {
    renderers: [{ name: 'builtin', version: '1.0.0', engines: ['PATH'], devices: ['CPU'] }],
    hardware: { cpuModel: 'bench', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 4096, gpuVendor: '', gpuVramMib: 0 },
    benchScore: 100,
    price: 1000,
    slots: 2,
    freeSlots: 2,
    region: 'local',
    timestampMs: Date.now(),
    seq
  }
}

/** A plain gossipsub host: libp2p's defaults, loopback spared the IP-colocation penalty. */
async function plainHost(): Promise<PlainHost> {
  const host = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1_000, inboundConnectionThreshold: 1_000, maxIncomingPendingConnections: 1_000 },
    services: { identify: identify(), pubsub: gossipsub({ scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) } }) }
  })
  host.services.pubsub.subscribe(PLAIN_TOPIC)
  return host
}

async function startSwarm(count: number, random: () => number): Promise<Swarm> {
  const hosts = await startHosts(count, count)
  const gossips = hosts.map(
    (host) =>
      new GossipService({
        libp2p: host.libp2p,
        ed: nodeEd25519,
        replay: new ReplayGuard(),
        now: Date.now,
        metrics: new MetricsRegistry(),
        logger: silentLogger,
        topics: ['offers']
      })
  )
  // Subscribed before dialing, so subscriptions travel with the first exchange.
  for (const gossip of gossips) gossip.start()
  const edges = meshEdges(count, EXTRA_DIALS, random)
  await dialEdges(hosts, edges)
  return { hosts, gossips, dialedDegree: (2 * edges.length) / count }
}

/** The pictor swarm's connections now (ours and kad-dht's), as index pairs. */
function connectionPairs(hosts: readonly BenchHost[]): Array<[number, number]> {
  const index = new Map(hosts.map((h, i) => [h.libp2p.peerId.toString(), i]))
  const pairs = new Set<string>()
  for (const [i, host] of hosts.entries()) {
    for (const connection of host.libp2p.getConnections()) {
      const j = index.get(connection.remotePeer.toString())
      if (j !== undefined && j !== i) pairs.add(i < j ? `${i}-${j}` : `${j}-${i}`)
    }
  }
  return [...pairs].map((p) => p.split('-').map(Number) as [number, number])
}

/** The plain swarm, wired like the pictor one, with its mesh formed. */
async function startPlainSwarm(count: number, pairs: ReadonlyArray<[number, number]>): Promise<{ hosts: PlainHost[]; meshWaitMs: number | null }> {
  const hosts: PlainHost[] = []
  for (let i = 0; i < count; i++) hosts.push(await plainHost())
  const queue = [...pairs]
  const dialer = async () => {
    for (let pair = queue.shift(); pair !== undefined; pair = queue.shift()) {
      await hosts[pair[0]]!.dial(hosts[pair[1]]!.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
    }
  }
  await Promise.all(Array.from({ length: 8 }, dialer))
  const start = performance.now()
  for (;;) {
    const formed = hosts.every((h) => (h.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(PLAIN_TOPIC).length >= Math.min(D_LO, h.getConnections().length))
    const ms = Math.round(performance.now() - start)
    if (formed) return { hosts, meshWaitMs: ms }
    if (ms > MESH_TIMEOUT_MS) return { hosts, meshWaitMs: null }
    await sleep(200)
  }
}

async function measure(count: number) {
  const random = seededRandom(0x90551 + count)
  const t0 = performance.now()
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`
  progress(BENCH, `${count} nodes: starting and dialing`)
  const swarm = await startSwarm(count, random)
  let plain: PlainHost[] = []
  progress(BENCH, `${count} nodes: dialed at ${elapsed()}`)
  try {
    const mesh = await waitForMesh(swarm.hosts, [TOPICS.offers], MESH_TIMEOUT_MS, D_LO)
    const pairs = connectionPairs(swarm.hosts)
    const plainSwarm = await startPlainSwarm(count, pairs)
    plain = plainSwarm.hosts
    const connections = swarm.hosts.map((h) => h.libp2p.getConnections().length)
    const plainConnections = plain.map((h) => h.getConnections().length)
    progress(BENCH, `${count} nodes: meshes ${mesh.formed && plainSwarm.meshWaitMs !== null ? 'formed' : 'NOT fully formed'} at ${elapsed()}; publishing ${2 * MESSAGES} messages`)

    const tracked = new Map<string, Tracked>()
    const delivered = (key: string) => {
      const entry = tracked.get(key)
      if (entry === undefined || entry.latencyMs !== undefined) return
      if (--entry.remaining === 0) entry.latencyMs = performance.now() - entry.t0
    }
    for (const gossip of swarm.gossips) {
      gossip.on('offers', ({ envelope }) => {
        if (envelope.typeName === 'WorkerOffer') delivered(`v${(envelope.payload as { seq: number }).seq}`)
      })
    }
    for (const host of plain) {
      host.services.pubsub.addEventListener('message', (event: CustomEvent<Message>) => {
        const { topic, data } = event.detail
        if (topic === PLAIN_TOPIC) delivered(`r${new DataView(data.buffer, data.byteOffset).getUint32(0)}`)
      })
    }

    // Self-check: a message this bench signs must pass the validators, or every figure would be a timeout.
    const probe = signEnvelope(nodeEd25519, swarm.hosts[0]?.identity.seed as Uint8Array, 'WorkerOffer', offer(0))
    const check = validateGossip('offers', probe, { nowMs: Date.now(), ed: nodeEd25519, replay: new ReplayGuard() })
    if (check.action !== 'ACCEPT') throw new Error(`bench WorkerOffer does not validate: ${check.code} ${check.reason}`)

    // The same publishers and gaps for both kinds, in blocks that take turns; each block drains before the
    // next, so one swarm's messages never queue behind the other's on the shared event loop.
    const publishers = Array.from({ length: MESSAGES }, () => randomInt(random, count))
    const gaps = Array.from({ length: MESSAGES }, () => GAP_MS.min + random() * (GAP_MS.max - GAP_MS.min))
    const drain = async (keys: readonly string[]) => {
      const drainStart = performance.now()
      while (keys.some((key) => tracked.get(key)?.latencyMs === undefined) && performance.now() - drainStart < DRAIN_MS) await sleep(20)
    }
    for (let block = 0; block < MESSAGES / BLOCK; block++) {
      for (const kind of ['v', 'r'] as const) {
        const keys: string[] = []
        for (let index = block * BLOCK; index < (block + 1) * BLOCK; index++) {
          const from = publishers[index] as number
          const key = `${kind}${index + 1}`
          keys.push(key)
          // seq = message index: increasing per signer, as the replay guard requires.
          const envelope = signEnvelope(nodeEd25519, swarm.hosts[from]?.identity.seed as Uint8Array, 'WorkerOffer', offer(index + 1))
          if (kind === 'v') {
            tracked.set(key, { t0: performance.now(), remaining: count - 1 })
            await (swarm.gossips[from] as GossipService).publish('offers', envelope)
          } else {
            const raw = new Uint8Array(envelope.byteLength)
            new DataView(raw.buffer).setUint32(0, index + 1)
            raw.fill(0xab, 4)
            tracked.set(key, { t0: performance.now(), remaining: count - 1 })
            await plain[from]?.services.pubsub.publish(PLAIN_TOPIC, raw)
          }
          await sleep(gaps[index] as number)
        }
        await drain(keys)
      }
    }
    progress(BENCH, `${count} nodes: published and drained at ${elapsed()}`)

    const collect = (prefix: string) => {
      const entries = [...tracked.entries()].filter(([key]) => key.startsWith(prefix)).map(([, t]) => t)
      const complete = entries.flatMap((t) => (t.latencyMs === undefined ? [] : [t.latencyMs]))
      return { messages: entries.length, reachedAll: complete.length, ...figures(complete, 'Ms') }
    }
    const mean = (values: readonly number[]) => round(values.reduce((a, b) => a + b, 0) / values.length, 1)
    const validated = collect('v')
    const baseline = collect('r')
    return {
      nodes: count,
      validated: {
        ...validated,
        dialedDegree: round(swarm.dialedDegree, 1),
        connectedDegree: mean(connections),
        meshWaitMs: mesh.formed ? mesh.ms : null,
        vsBaseline: { median: round(validated.medianMs / baseline.medianMs, 2), p99: round(validated.p99Ms / baseline.p99Ms, 2) }
      },
      baseline: { ...baseline, connectedDegree: mean(plainConnections), meshWaitMs: plainSwarm.meshWaitMs },
      envelopeBytes: probe.byteLength
    }
  } finally {
    for (const gossip of swarm.gossips) gossip.stop()
    await Promise.allSettled([stopHosts(swarm.hosts), ...plain.map((h) => h.stop())])
    progress(BENCH, `${count} nodes: stopped at ${elapsed()}`)
  }
}

await runBench(BENCH, async () => {
  const results: Array<Awaited<ReturnType<typeof measure>>> = []
  for (const size of SIZES) results.push(await measure(size))
  const bySize = (pick: (r: (typeof results)[number]) => object) => Object.fromEntries(results.map((r) => [`n${r.nodes}`, pick(r)]))
  const largest = results.at(-1)
  return {
    bench: BENCH,
    validated: true,
    path: 'WorkerOffer signEnvelope -> pictor host (no libp2p signature) -> GossipService (validateGossip at every hop)',
    params: { messagesPerKind: MESSAGES, blockSize: BLOCK, gapMs: [GAP_MS.min, GAP_MS.max], extraDials: EXTRA_DIALS, envelopeBytes: results[0]?.envelopeBytes },
    ...bySize((r) => r.validated),
    /** The goal: at 50 nodes, pictor's p99 below plain gossipsub's in the same run. */
    goalP99BelowBaseline: largest === undefined ? null : largest.validated.p99Ms < largest.baseline.p99Ms,
    baseline: { path: 'plain gossipsub (defaults: StrictSign, from+seqno ids, no validator), same connections, same size, same publishers and gaps, alternating blocks', ...bySize((r) => r.baseline) }
  }
})
