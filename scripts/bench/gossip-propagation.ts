// Gossip publish -> delivery at the LAST subscriber, per message, on 20- and
// 50-node loopback swarms in this one process (one event loop runs every
// node, so figures are upper bounds for a real network's per-hop cost).
//
// The measured path is the real one: WorkerOffer envelopes signed with
// signEnvelope (seq increasing per signer) published on pictor/offers/1 and
// delivered through GossipService, i.e. after validateGossip (decode, field
// rules, freshness, replay guard, Ed25519) at every hop. The baseline, in
// the same run on the same mesh, interleaved with it: plain gossipsub
// messages of the same size on a topic with no application validator.
//
// Per size: reachedAll = messages that reached every other node (latencies
// are over those), dialedDegree = neighbours from our dials,
// connectedDegree = actual connections (kad-dht dials more), meshWaitMs =
// wait after the last dial until every mesh held min(D_lo, degree) peers.
import type { Message } from '@libp2p/gossipsub'
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
const SIZES = [20, 50]
/**
 * Per kind and size: 100 validated + 100 baseline = 200 publishes per size.
 * More would not fit the suite's time budget on 2 cores: at 50 nodes the one
 * event loop is already busy, and a publish plus its gap takes ~80 ms.
 */
const MESSAGES = 100
/** Gap between two publishes (of either kind), drawn uniformly. */
const GAP_MS = { min: 20, max: 50 }
/** Random dials per node on top of the ring: ~2 + 2 x 3 = 8 neighbours on average (gossipsub D = 6). */
const EXTRA_DIALS = 3
const RAW_TOPIC = 'pictor-bench/raw/1'
const MESH_TIMEOUT_MS = 20_000
/** How long stragglers may take after the last publish. */
const DRAIN_MS = 5000

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
  for (const [i, gossip] of gossips.entries()) {
    gossip.start()
    hosts[i]?.libp2p.services.pubsub.subscribe(RAW_TOPIC)
  }
  const edges = meshEdges(count, EXTRA_DIALS, random)
  await dialEdges(hosts, edges)
  return { hosts, gossips, dialedDegree: (2 * edges.length) / count }
}

async function stopSwarm(swarm: Swarm): Promise<void> {
  for (const gossip of swarm.gossips) gossip.stop()
  await stopHosts(swarm.hosts)
}

async function measure(count: number) {
  const random = seededRandom(0x90551 + count)
  const t0 = performance.now()
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`
  progress(BENCH, `${count} nodes: starting and dialing`)
  const swarm = await startSwarm(count, random)
  progress(BENCH, `${count} nodes: dialed at ${elapsed()}`)
  try {
    const mesh = await waitForMesh(swarm.hosts, [TOPICS.offers, RAW_TOPIC], MESH_TIMEOUT_MS)
    const connections = swarm.hosts.map((h) => h.libp2p.getConnections().length)
    progress(BENCH, `${count} nodes: mesh ${mesh.formed ? 'formed' : 'NOT fully formed'} at ${elapsed()}; publishing ${2 * MESSAGES} messages`)

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
    for (const host of swarm.hosts) {
      host.libp2p.services.pubsub.addEventListener('message', (event: CustomEvent<Message>) => {
        const { topic, data } = event.detail
        if (topic === RAW_TOPIC) delivered(`r${new DataView(data.buffer, data.byteOffset).getUint32(0)}`)
      })
    }

    // Self-check: a message this bench signs must pass the validators, or every figure would be a timeout.
    const probe = signEnvelope(nodeEd25519, swarm.hosts[0]?.identity.seed as Uint8Array, 'WorkerOffer', offer(0))
    const check = validateGossip('offers', probe, { nowMs: Date.now(), ed: nodeEd25519, replay: new ReplayGuard() })
    if (check.action !== 'ACCEPT') throw new Error(`bench WorkerOffer does not validate: ${check.code} ${check.reason}`)

    for (let i = 0; i < 2 * MESSAGES; i++) {
      const index = i >> 1
      const from = randomInt(random, count)
      const gossip = swarm.gossips[from] as GossipService
      // seq = message index: increasing per signer, as the replay guard requires.
      const envelope = signEnvelope(nodeEd25519, swarm.hosts[from]?.identity.seed as Uint8Array, 'WorkerOffer', offer(index + 1))
      if (i % 2 === 0) {
        tracked.set(`v${index + 1}`, { t0: performance.now(), remaining: count - 1 })
        await gossip.publish('offers', envelope)
      } else {
        const raw = new Uint8Array(envelope.byteLength)
        new DataView(raw.buffer).setUint32(0, index + 1)
        raw.fill(0xab, 4)
        tracked.set(`r${index + 1}`, { t0: performance.now(), remaining: count - 1 })
        await swarm.hosts[from]?.libp2p.services.pubsub.publish(RAW_TOPIC, raw)
      }
      await sleep(GAP_MS.min + random() * (GAP_MS.max - GAP_MS.min))
    }
    const drainStart = performance.now()
    while ([...tracked.values()].some((t) => t.latencyMs === undefined) && performance.now() - drainStart < DRAIN_MS) await sleep(50)
    progress(BENCH, `${count} nodes: published and drained at ${elapsed()}`)

    const collect = (prefix: string) => {
      const entries = [...tracked.entries()].filter(([key]) => key.startsWith(prefix)).map(([, t]) => t)
      const complete = entries.flatMap((t) => (t.latencyMs === undefined ? [] : [t.latencyMs]))
      return { messages: entries.length, reachedAll: complete.length, ...figures(complete, 'Ms') }
    }
    return {
      nodes: count,
      dialedDegree: round(swarm.dialedDegree, 1),
      connectedDegree: round(connections.reduce((a, b) => a + b, 0) / count, 1),
      meshWaitMs: mesh.formed ? mesh.ms : null,
      validated: collect('v'),
      baseline: collect('r'),
      envelopeBytes: probe.byteLength
    }
  } finally {
    await stopSwarm(swarm)
    progress(BENCH, `${count} nodes: stopped at ${elapsed()}`)
  }
}

await runBench(BENCH, async () => {
  const results: Array<Awaited<ReturnType<typeof measure>>> = []
  for (const size of SIZES) results.push(await measure(size))
  const bySize = (pick: (r: (typeof results)[number]) => object) => Object.fromEntries(results.map((r) => [`n${r.nodes}`, pick(r)]))
  return {
    bench: BENCH,
    validated: true,
    path: 'WorkerOffer signEnvelope -> GossipService (validateGossip at every hop)',
    params: { messagesPerKind: MESSAGES, gapMs: [GAP_MS.min, GAP_MS.max], extraDials: EXTRA_DIALS, envelopeBytes: results[0]?.envelopeBytes },
    ...bySize(({ validated, dialedDegree, connectedDegree, meshWaitMs }) => ({ ...validated, dialedDegree, connectedDegree, meshWaitMs })),
    baseline: { path: 'plain gossipsub publish, same size, no application validator, same mesh, interleaved', ...bySize((r) => r.baseline) }
  }
})
