// Real pictor hosts (node/net/host.ts) on 127.0.0.1 for benchmarks, all in
// this process.
import { createHost, type PictorLibp2p } from '../../../node/net/host.ts'
import { identityFromSeed, type NodeIdentity } from '../../../node/identity/keys.ts'
import { benchSeed } from './seeds.ts'

export interface BenchHost {
  libp2p: PictorLibp2p
  identity: NodeIdentity
}

export async function startHost(index: number, salt = 0): Promise<BenchHost> {
  const identity = await identityFromSeed(benchSeed(index, salt))
  const libp2p = await createHost({ privateKey: identity.privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: true })
  return { libp2p, identity }
}

export async function startHosts(count: number, salt = 0): Promise<BenchHost[]> {
  const hosts: BenchHost[] = []
  for (let i = 0; i < count; i++) hosts.push(await startHost(i, salt))
  return hosts
}

export async function connect(from: BenchHost, to: BenchHost): Promise<void> {
  await from.libp2p.dial(to.libp2p.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
}

/** Stops every host; one that fails to stop does not keep the others running. */
export async function stopHosts(hosts: readonly BenchHost[]): Promise<void> {
  await Promise.allSettled(hosts.map((h) => h.libp2p.stop()))
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
