// A node's gossip port (what GossipService gives role code: on, publish,
// onJoin) over the simulated mesh. Subscribing is joining the topic's
// mesh; a delivery names the signer's PeerId, as the node's does.
import type { GossipHandler, GossipService } from '../../node/net/gossip.ts'
import type { TopicName } from '../../protocol/index.ts'
import type { GossipModel } from './gossip-model.ts'
import type { SimRpc } from './sim-rpc.ts'

export type SimGossip = Pick<GossipService, 'on' | 'publish' | 'onJoin'>

export function simGossip(model: GossipModel, node: string, rpc: SimRpc, hears: (topic: TopicName) => boolean = () => true): SimGossip {
  return {
    on<T extends TopicName>(topic: T, handler: GossipHandler<T>): void {
      // A role that listens to a topic the scenario leaves it out of (workers and the going rate, unless prices compete) hears nothing.
      if (!hears(topic)) return
      model.join(node, topic)
      model.on(node, topic, (message, _forwarder) => {
        const from = rpc.peerOf(rpc.register(message.publicKey))
        void Promise.resolve(handler({ topic, envelope: message, from } as Parameters<GossipHandler<T>>[0])).catch(() => {})
      })
    },
    publish: async (topic, envelope) => model.publish(node, topic, envelope),
    onJoin: () => {}
  }
}
