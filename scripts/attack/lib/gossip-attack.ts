// The gossip scenario: honest nodes (a creator and workers, each a real
// PictorNode in its own process, fully connected) publish job announcements
// while, from this process, attackers do their worst. For the first half of
// the attack one flooder publishes as fast as it can invalid messages,
// correctly signed bids for jobs nobody announced, and replays of the honest
// announcements it captures; for the second half a bid flooder publishes
// only such useless bids, as fast as it can. All along a sybil set 4x the
// honest set sits in every mesh, forwards nothing, and sends invalid
// messages. Bar: >= 99.9% of honest announcements reach every other honest
// node, and every attacker's gossipsub score at every honest node falls
// below the graylist threshold within 10 heartbeats of its first message.
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { NodeConfig } from '../../../node/config/config.ts'
import { identityFromSeed } from '../../../node/identity/keys.ts'
import { initDataDir, openDataDir } from '../../../node/store/data-dir.ts'
import { TOPICS } from '../../../protocol/index.ts'
import { freePorts } from '../../../testnet/ports.ts'
import { bid } from './forge.ts'
import type { ChildCommand, ChildReply } from './gossip-node-child.ts'
import { addrOf, type GossipHost, gossipHost, keyFromSeed, sleep, stopAll } from './hosts.ts'
import { sumSeries } from './metrics.ts'
import { processStats, toMib } from './proc.ts'

export const GOSSIP_BAR = 'honest delivery >= 99.9% (every honest announcement at every other honest node), every attacker graylisted at every honest node within 10 heartbeats'
export const MIN_DELIVERY = 0.999
export const MAX_HEARTBEATS_TO_GRAYLIST = 10
/** node/net/host.ts scoreThresholds.graylistThreshold. */
export const GRAYLIST_THRESHOLD = -1000
/** gossipsub's default heartbeat interval. */
const HEARTBEAT_MS = 1_000

export interface GossipOptions {
  honest: number
  /** Sybils per honest node (4 in the bar). */
  sybilFactor: number
  attackMs: number
  /** Each honest node publishes an announcement this often during the attack. */
  publishEveryMs: number
  /** Messages a second each sybil sends; 0: as fast as this process lets it. */
  sybilRate: number
  log(line: string): void
}

const CHILD = join(import.meta.dirname, 'gossip-node-child.ts')
const TOPIC_LIST = Object.values(TOPICS)

/** One honest node's process and its command channel. */
class HonestNode {
  readonly process: ChildProcess
  readonly role: NodeConfig['role']
  peerId = ''
  private nextId = 1
  private readonly waiting = new Map<number, (reply: ChildReply) => void>()
  readonly ready: Promise<void>

  constructor(dir: string, role: NodeConfig['role'], port: number, bootstrap: string[]) {
    this.role = role
    this.process = fork(CHILD, [dir, role, String(port), bootstrap.join(',')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, PICTOR_LOG: 'error' } })
    this.ready = new Promise((resolve, reject) => {
      this.waiting.set(0, (reply) => {
        if (reply.kind === 'ready') this.peerId = reply.peerId
        resolve()
      })
      this.process.once('exit', (code) => reject(new Error(`honest ${role} exited with ${code}`)))
    })
    this.process.on('message', (reply: ChildReply) => {
      this.waiting.get(reply.id)?.(reply)
      this.waiting.delete(reply.id)
    })
  }

  call<K extends ChildReply['kind']>(command: DistributiveOmit<ChildCommand, 'id'>, timeoutMs = 120_000): Promise<Extract<ChildReply, { kind: K }>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`honest ${this.role}: no answer to ${command.cmd}`)), timeoutMs)
      this.waiting.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply as Extract<ChildReply, { kind: K }>)
      })
      this.process.send({ ...command, id })
    })
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()))
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000)
    this.call({ cmd: 'stop' }, 10_000).catch(() => {})
    await exited
    clearTimeout(timer)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

interface Attacker {
  host: GossipHost
  group: 'flooder' | 'bidFlooder' | 'sybil'
  /** When it sent its first message (ms after the attack began). */
  startMs: number
  seed: Uint8Array
  sent: { invalid: number; useless: number; replay: number; failed: number }
}

async function attackerHost(group: Attacker['group']): Promise<Attacker> {
  const seed = randomBytes(32)
  return { host: await gossipHost(await keyFromSeed(seed)), group, seed, startMs: 0, sent: { invalid: 0, useless: 0, replay: 0, failed: 0 } }
}

/** An invalid message: random bytes, or a correctly signed bid with its signature broken. */
function invalidMessage(seed: Uint8Array, i: number): Uint8Array {
  if (i % 2 === 0) return randomBytes(64 + (i % 200))
  const bytes = bid(seed, Date.now())
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1
  return bytes
}

async function publish(a: Attacker, kind: 'invalid' | 'useless' | 'replay', topic: string, data: Uint8Array): Promise<void> {
  try {
    await a.host.services.pubsub.publish(topic, data)
    a.sent[kind]++
  } catch {
    a.sent.failed++
  }
}

export async function gossipAttack(options: GossipOptions) {
  const failures: string[] = []
  const base = await mkdtemp(join(tmpdir(), 'pictor-attack-gossip-'))
  const honest: HonestNode[] = []
  const attackers: Attacker[] = []
  try {
    const roles: NodeConfig['role'][] = ['creator', ...Array<NodeConfig['role']>(options.honest - 1).fill('worker')]
    const ports = await freePorts(roles.length)
    const addrs: string[] = []
    for (const [i] of roles.entries()) {
      await initDataDir(join(base, `n${i}`))
      const id = await identityFromSeed((await openDataDir(join(base, `n${i}`))).seed)
      addrs.push(`/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${id.peerId}`)
    }
    for (const [i, role] of roles.entries()) honest.push(new HonestNode(join(base, `n${i}`), role, ports[i]!, addrs.filter((_, j) => j !== i)))
    await Promise.all(honest.map((h) => h.ready))
    options.log(`${honest.length} honest nodes up; waiting for their mesh`)
    const deadline = Date.now() + 30_000
    for (;;) {
      const meshes = await Promise.all(honest.map((h) => h.call<'mesh'>({ cmd: 'mesh' })))
      if (meshes.every((m) => m.connections >= honest.length - 1 && Object.values(m.mesh).every((n) => n >= 1))) break
      if (Date.now() > deadline) throw new Error('the honest nodes did not form a gossip mesh')
      await sleep(250)
    }

    const sybils = options.honest * options.sybilFactor
    options.log(`starting a flooder, a bid flooder and ${sybils} sybils`)
    attackers.push(await attackerHost('flooder'), await attackerHost('bidFlooder'))
    for (let i = 0; i < sybils; i++) attackers.push(await attackerHost('sybil'))
    const captured: Uint8Array[] = []
    const capturedIds = new Set<string>()
    for (const a of attackers.filter((x) => x.group === 'sybil')) {
      const pubsub = a.host.services.pubsub
      // Sybils sit in every mesh and forward nothing; what they hear is kept for the flooder to replay.
      for (const topic of TOPIC_LIST) {
        pubsub.topicValidators.set(topic, (_peer, message) => {
          const id = Buffer.from(message.data.subarray(-16)).toString('hex')
          if (topic === TOPICS.jobs && captured.length < 10_000 && !capturedIds.has(id)) {
            capturedIds.add(id)
            captured.push(message.data)
          }
          return TopicValidatorResult.Ignore
        })
        pubsub.subscribe(topic)
      }
    }
    await Promise.all(attackers.flatMap((a) => addrs.map((addr) => a.host.dial(addrOf(addr), { signal: AbortSignal.timeout(10_000) }))))
    await sleep(3_000)

    const rssBefore = await Promise.all(honest.map(async (h) => (await processStats(h.process.pid!))?.rssBytes ?? 0))
    const rssPeak = [...rssBefore]
    options.log(`attack for ${options.attackMs / 1000} s`)
    const start = Date.now()
    const until = start + options.attackMs
    const publishing = honest.map((h) => h.call<'published'>({ cmd: 'publish', count: Math.floor(options.attackMs / options.publishEveryMs), everyMs: options.publishEveryMs }, options.attackMs + 60_000))

    // The flooder, first half: as fast as it can, invalid, useless and replayed messages in turn.
    const [flooder, bidFlooder] = attackers as [Attacker, Attacker]
    const half = start + options.attackMs / 2
    let replayed = 0
    const flood = (async () => {
      for (let i = 0; Date.now() < half; i++) {
        const topic = TOPIC_LIST[i % TOPIC_LIST.length]!
        if (i % 3 === 0) await publish(flooder, 'invalid', topic, invalidMessage(flooder.seed, i))
        else if (i % 3 === 1) await publish(flooder, 'useless', TOPICS.bids, bid(flooder.seed, Date.now()))
        else if (replayed < captured.length) await publish(flooder, 'replay', TOPICS.jobs, captured[replayed++]!)
        if (i % 50 === 0) await sleep(0)
      }
      // The bid flooder, second half: nothing but correctly signed bids for jobs nobody announced.
      bidFlooder.startMs = Date.now() - start
      for (let i = 0; Date.now() < until; i++) {
        await publish(bidFlooder, 'useless', TOPICS.bids, bid(bidFlooder.seed, Date.now()))
        if (i % 50 === 0) await sleep(0)
      }
    })()
    const sybilLoops = attackers
      .filter((a) => a.group === 'sybil')
      .map(async (a) => {
        for (let i = 0; Date.now() < until; i++) {
          await publish(a, 'invalid', TOPIC_LIST[i % TOPIC_LIST.length]!, invalidMessage(a.seed, i))
          if (options.sybilRate > 0) await sleep(1000 / options.sybilRate)
          else if (i % 20 === 0) await sleep(0)
        }
      })

    // Scores every half heartbeat: when each attacker first falls below the graylist threshold at each honest node.
    const attackerIds = attackers.map((a) => a.host.peerId.toString())
    const graylistedAfterMs = honest.map(() => new Map<string, number>())
    /** Each honest node's last reading during the attack: a graylist does not last once the penalties decay. */
    const lastScores: Array<Record<string, number>> = honest.map(() => ({}))
    const scoring = (async () => {
      while (Date.now() < until + 2_000) {
        const t = Date.now() - start
        const all = await Promise.all(honest.map((h) => h.call<'scores'>({ cmd: 'scores', peers: attackerIds }).catch(() => undefined)))
        for (const [i, reply] of all.entries()) {
          if (reply !== undefined && t <= options.attackMs) lastScores[i] = reply.scores
          for (const [peer, score] of Object.entries(reply?.scores ?? {})) if (score < GRAYLIST_THRESHOLD && !graylistedAfterMs[i]!.has(peer)) graylistedAfterMs[i]!.set(peer, t)
        }
        for (const [i, h] of honest.entries()) rssPeak[i] = Math.max(rssPeak[i]!, (await processStats(h.process.pid!))?.rssBytes ?? 0)
        await sleep(HEARTBEAT_MS / 2)
      }
    })()
    const published = await Promise.all(publishing)
    await Promise.all([flood, ...sybilLoops, scoring])
    await sleep(5_000)
    const received = await Promise.all(honest.map((h) => h.call<'received'>({ cmd: 'received' })))
    const metrics = await Promise.all(honest.map((h) => h.call<'metrics'>({ cmd: 'metrics' })))
    const validated = (match: Record<string, string>) => metrics.reduce((n, m) => n + sumSeries(m.text, 'pictor_gossip_validation_total', match), 0)

    let expected = 0
    let delivered = 0
    for (const [i, r] of received.entries()) {
      const got = new Set(r.jobIds)
      for (const [j, p] of published.entries()) {
        if (i === j) continue
        expected += p.jobIds.length
        delivered += p.jobIds.filter((id) => got.has(id)).length
      }
    }
    const delivery = expected === 0 ? 0 : delivered / expected
    const groups = ['flooder', 'bidFlooder', 'sybil'] as const
    const graylisting = Object.fromEntries(
      groups.map((group) => {
        const members = attackers.filter((a) => a.group === group)
        const ids = members.map((a) => a.host.peerId.toString())
        // Heartbeats from the attacker's own first message to the first reading below the threshold.
        const times = graylistedAfterMs.flatMap((m) => members.map((a) => (m.has(a.host.peerId.toString()) ? m.get(a.host.peerId.toString())! - a.startMs : undefined)))
        const heartbeats = times.filter((t): t is number => t !== undefined).map((t) => Math.max(1, Math.ceil(t / HEARTBEAT_MS)))
        const atEnd = lastScores.flatMap((scores) => ids.map((id) => scores[id] ?? 0)).filter((score) => score < GRAYLIST_THRESHOLD).length
        return [group, { pairs: times.length, graylisted: heartbeats.length, within10: heartbeats.filter((h) => h <= MAX_HEARTBEATS_TO_GRAYLIST).length, maxHeartbeats: heartbeats.length === 0 ? null : Math.max(...heartbeats), graylistedAtEnd: atEnd }]
      })
    )
    const sent = (group: Attacker['group']) =>
      attackers.filter((a) => a.group === group).reduce((acc, a) => ({ invalid: acc.invalid + a.sent.invalid, useless: acc.useless + a.sent.useless, replay: acc.replay + a.sent.replay, failed: acc.failed + a.sent.failed }), { invalid: 0, useless: 0, replay: 0, failed: 0 })
    const flooderSent = sent('flooder')
    const bidFlooderSent = sent('bidFlooder')
    const phaseS = options.attackMs / 2000
    const alive = honest.every((h) => h.process.exitCode === null)

    if (delivery < MIN_DELIVERY) failures.push(`honest delivery ${pct(delivery)}%: ${delivered} of ${expected} (bar >= 99.9%)`)
    for (const [group, g] of Object.entries(graylisting)) {
      if (g.within10 < g.pairs) failures.push(`${group}: ${g.pairs - g.within10} of ${g.pairs} (attacker, honest node) pairs not graylisted within ${MAX_HEARTBEATS_TO_GRAYLIST} heartbeats (${g.graylisted - g.within10} later, ${g.pairs - g.graylisted} never)`)
    }
    if (!alive) failures.push('an honest node exited')
    return {
      failures,
      honest: { nodes: honest.length, published: published.reduce((n, p) => n + p.jobIds.length, 0), publishFailed: published.reduce((n, p) => n + p.failed, 0), expectedDeliveries: expected, delivered, deliveryPct: pct(delivery) },
      attackers: {
        sybils,
        flooderMsgsPerS: Math.round((flooderSent.invalid + flooderSent.useless + flooderSent.replay) / phaseS),
        flooderSent,
        bidFlooderMsgsPerS: Math.round(bidFlooderSent.useless / phaseS),
        bidFlooderSent,
        sybilsSent: sent('sybil')
      },
      graylisting,
      // What the honest nodes' validators did with everything they got, all nodes together.
      honestValidation: { rejected: validated({ result: 'REJECT' }), ignoredUnknownJob: validated({ reason: 'UNKNOWN_JOB' }), ignoredRateLimited: validated({ reason: 'RATE_LIMITED' }), ignoredReplay: validated({ reason: 'REPLAY' }), ignored: validated({ result: 'IGNORE' }) },
      honestRssGrowthMib: toMib(Math.max(...rssPeak.map((p, i) => p - rssBefore[i]!))),
      alive
    }
  } finally {
    await stopAll(attackers.map((a) => a.host))
    await Promise.all(honest.map((h) => h.stop()))
    await rm(base, { recursive: true, force: true })
  }
}

const pct = (rate: number) => Math.round(rate * 100_000) / 1000
