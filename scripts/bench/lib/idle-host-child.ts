// Child process for idle-rss: one bare pictor host (createHost: the same
// libp2p services a node runs, identify, ping, gossipsub and kad-dht, and
// the same gossip topics subscribed; no roles, store, API or renderer), says
// "ready" on stdout, stops cleanly on SIGTERM.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { TOPICS } from '../../../protocol/index.ts'
import { createHost } from '../../../node/net/host.ts'
import { benchSeed } from './seeds.ts'

const privateKey = await generateKeyPairFromSeed('Ed25519', benchSeed(0, 0x6964))
const libp2p = await createHost({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: true })
for (const topic of Object.values(TOPICS)) libp2p.services.pubsub.subscribe(topic)
process.stdout.write('ready\n')
process.once('SIGTERM', () => {
  Promise.resolve(libp2p.stop()).then(
    () => process.exit(0),
    () => process.exit(1)
  )
})
