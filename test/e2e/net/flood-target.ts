// Child process for the handshake-flood test: one pictor host with production
// connection limits on 127.0.0.1, in its own process so its memory is its own.
// Sends { addr } once listening; answers 'memory' with a Memory reading (run
// with --expose-gc so the heap figure is what is retained, not garbage);
// stops on 'stop'.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { createHost } from '../../../node/net/host.ts'

export interface Memory {
  rss: number
  /** Highest RSS seen since start, sampled every 100 ms. */
  peakRss: number
  /** Heap in use right after a full collection. */
  retainedHeap: number
}

const privateKey = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(0x71))
const libp2p = await createHost({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: false })
let peakRss = process.memoryUsage.rss()
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
}, 100)

function memory(): Memory {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
  ;(globalThis as { gc?: () => void }).gc?.()
  return { rss: process.memoryUsage.rss(), peakRss, retainedHeap: process.memoryUsage().heapUsed }
}

process.on('message', (message) => {
  if (message === 'memory') process.send?.(memory())
  else if (message === 'stop') {
    clearInterval(sampler)
    Promise.resolve(libp2p.stop()).finally(() => process.exit(0))
  }
})
process.send?.({ addr: libp2p.getMultiaddrs()[0].toString() })
