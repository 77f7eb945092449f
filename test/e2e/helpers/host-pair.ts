// Two bare pictor hosts on 127.0.0.1, the client already connected to the
// server: the setup of tests that exercise a stream protocol directly.
import { afterAll, beforeAll } from 'vitest'
import { identityFromSeed } from '../../../node/identity/keys.ts'
import { createHost, type PictorLibp2p } from '../../../node/net/host.ts'

export interface HostPair {
  server: PictorLibp2p
  client: PictorLibp2p
}

async function host(fill: number): Promise<PictorLibp2p> {
  const identity = await identityFromSeed(new Uint8Array(32).fill(fill))
  return createHost({ privateKey: identity.privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: true })
}

/** Starts the pair before the file's tests and stops it after them; the hosts' keys come from `fills`. */
export function useHostPair(fills: [server: number, client: number]): HostPair {
  const pair = {} as HostPair
  beforeAll(async () => {
    pair.server = await host(fills[0])
    pair.client = await host(fills[1])
    await pair.client.dial(pair.server.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
  })
  afterAll(async () => {
    await Promise.allSettled([pair.client?.stop(), pair.server?.stop()])
  })
  return pair
}
