// Five real nodes on 127.0.0.1: every gossip topic reaches every subscriber
// through the validators, a request/response round trip, DHT provide/find.
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { announcementOf, signEnvelope, type TopicName, TOPICS, validateJobSpec } from '../../protocol/index.ts'
import { nodeEd25519 } from '../../node/identity/ed25519.ts'
import { silentLogger } from '../../node/log.ts'
import { callRpc, serveRpc } from '../../node/net/rpc.ts'
import { type LocalSwarm, startSwarm, waitFor } from './helpers/nodes.ts'

let swarm: LocalSwarm

beforeAll(async () => {
  swarm = await startSwarm(5)
})

afterAll(async () => {
  await swarm?.stop()
})

const JOB_ID = new Uint8Array(32).fill(9)

function announcement(seed: Uint8Array, now: number) {
  return announcementOf(
    validateJobSpec({ renderer: 'builtin', sceneBlob: '01'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 10 }),
    { creatorPublicKey: nodeEd25519.publicKey(seed), nonce: new Uint8Array(16).fill(3), addrs: [], timestampMs: now }
  )
}

function messageFor(topic: TopicName, seed: Uint8Array, now: number): Uint8Array {
  switch (topic) {
    case 'offers':
      return signEnvelope(nodeEd25519, seed, 'WorkerOffer', {
        renderers: [{ name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }],
        hardware: { cpuModel: 'test', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024, gpuVendor: '', gpuVramMib: 0 },
        benchScore: 1000, price: 1000, slots: 2, freeSlots: 2, region: 'local', timestampMs: now, seq: now
      })
    case 'jobs':
      return signEnvelope(nodeEd25519, seed, 'JobAnnouncement', announcement(seed, now))
    case 'bids':
      // R37: peers pass on only bids for a job they have seen announced (the one above).
      return signEnvelope(nodeEd25519, seed, 'Bid', { jobId: announcement(seed, now).jobId, price: 5, benchScore: 1000, slots: 1, timestampMs: now })
    case 'notices':
      return signEnvelope(nodeEd25519, seed, 'JobNotice', { jobId: JOB_ID, kind: 1, timestampMs: now })
    case 'verdicts':
      return signEnvelope(nodeEd25519, seed, 'Verdict', {
        jobId: JOB_ID, taskIndex: 0, worker: new Uint8Array(32).fill(4), merkleRoot: new Uint8Array(32).fill(5), accepted: true, reason: '', timestampMs: now
      })
  }
}

describe('five-node network', () => {
  it('delivers a message on every topic to every other node, and drops forged ones', async () => {
    const received = new Map<string, Set<number>>()
    swarm.nodes.forEach((node, i) => {
      for (const topic of Object.keys(TOPICS) as TopicName[]) {
        node.context.gossip.on(topic, () => {
          const set = received.get(topic) ?? new Set()
          set.add(i)
          received.set(topic, set)
        })
      }
    })
    const sender = swarm.nodes[0].context
    for (const topic of Object.keys(TOPICS) as TopicName[]) {
      // A forged copy (signature bit flipped) goes first; it must never be delivered.
      const forged = messageFor(topic, sender.identity.seed, Date.now())
      forged[forged.length - 1] ^= 1
      await sender.gossip.publish(topic, forged)
      await sender.gossip.publish(topic, messageFor(topic, sender.identity.seed, Date.now()))
    }
    await waitFor(() => Object.keys(TOPICS).every((t) => received.get(t)?.size === 4), 20_000, 'gossip delivery on every topic')
    for (const topic of Object.keys(TOPICS)) expect([...(received.get(topic) ?? [])].sort()).toEqual([1, 2, 3, 4])
    // Each peer saw exactly one valid message per topic: the forged one was rejected, not delivered.
    const counts = swarm.nodes.slice(1).map((n) => n.context.metrics.render())
    for (const text of counts) expect(text).toMatch(/pictor_gossip_validation_total\{reason="BAD_SIGNATURE",result="REJECT",topic="jobs"\} 1/)
  })

  it('answers a request/response round trip over a libp2p stream', async () => {
    const [client, server] = [swarm.nodes[1].context, swarm.nodes[2].context]
    const options = { maxRequestBytes: 1024, maxReplyBytes: 1024, timeoutMs: 5000 }
    const unhandle = await serveRpc(server.libp2p, '/pictor/test-echo/1.0.0', async (req) => new Uint8Array([...req].reverse()), options, silentLogger)
    try {
      const reply = await callRpc(client.libp2p, server.libp2p.peerId, '/pictor/test-echo/1.0.0', new Uint8Array([1, 2, 3]), options)
      expect([...reply]).toEqual([3, 2, 1])
      // Oversized requests are refused by the server's cap.
      await expect(callRpc(client.libp2p, server.libp2p.peerId, '/pictor/test-echo/1.0.0', new Uint8Array(4096), options)).rejects.toThrow()
    } finally {
      await unhandle()
    }
  })

  it('finds a provider record through the DHT', async () => {
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode(`pictor e2e ${Date.now()}`)))
    await swarm.nodes[3].context.libp2p.contentRouting.provide(cid)
    const found: string[] = []
    for await (const provider of swarm.nodes[0].context.libp2p.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(15_000) })) {
      found.push(provider.id.toString())
      break
    }
    expect(found).toEqual([swarm.nodes[3].context.identity.peerId])
  })
})
