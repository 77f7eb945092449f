// A connected loopback swarm: a ring (so the graph is connected) plus a few
// random dials per node, then a wait until gossipsub has built its mesh.
import { type BenchHost, connect, sleep } from './hosts.ts'
import { randomInt } from '../../../testnet/seeded-random.ts'

/** Edges as [dialer, listener] index pairs: i -> i+1, plus `extra` random others per node. */
export function meshEdges(count: number, extra: number, random: () => number): Array<[number, number]> {
  const seen = new Set<string>()
  const edges: Array<[number, number]> = []
  const add = (a: number, b: number) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    if (a === b || seen.has(key)) return false
    seen.add(key)
    edges.push([a, b])
    return true
  }
  for (let i = 0; i < count; i++) add(i, (i + 1) % count)
  for (let i = 0; i < count; i++) {
    let added = 0
    for (let tries = 0; added < extra && tries < extra * 10; tries++) if (add(i, randomInt(random, count))) added++
  }
  return edges
}

/** Dials every edge, a few at a time (one event loop runs both ends of every handshake). */
export async function dialEdges(hosts: readonly BenchHost[], edges: ReadonlyArray<[number, number]>, concurrency = 8): Promise<void> {
  const queue = [...edges]
  const worker = async () => {
    for (let edge = queue.shift(); edge !== undefined; edge = queue.shift()) await connect(hosts[edge[0]] as BenchHost, hosts[edge[1]] as BenchHost)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

type MeshView = { getMeshPeers(topic: string): string[] }

/**
 * Waits until every host has at least min(D_lo, its connection count) mesh
 * peers on every topic. Returns the time it took and the smallest mesh seen;
 * gives up (without throwing) after `timeoutMs`.
 */
export async function waitForMesh(hosts: readonly BenchHost[], topics: readonly string[], timeoutMs: number, dLo = 4): Promise<{ ms: number; minMesh: number; formed: boolean }> {
  const start = performance.now()
  for (;;) {
    let formed = true
    let minMesh = Number.POSITIVE_INFINITY
    for (const host of hosts) {
      const pubsub = host.libp2p.services.pubsub as unknown as MeshView
      const want = Math.min(dLo, host.libp2p.getConnections().length)
      for (const topic of topics) {
        const size = pubsub.getMeshPeers(topic).length
        minMesh = Math.min(minMesh, size)
        if (size < want) formed = false
      }
    }
    const ms = performance.now() - start
    if (formed || ms > timeoutMs) return { ms: Math.round(ms), minMesh, formed }
    await sleep(200)
  }
}
