import { ApiClient } from '../../api/client.ts'
import type { NodeStatus, PeerInfo } from '../../node-status.ts'
import { type Command, dataDirFlag, parseFlags } from '../args.ts'
import { printTable } from '../table.ts'

export const statusCommand: Command = {
  summary: 'show the running node: role, peer id, addresses, peers, gossip topics, DHT',
  usage: 'pictor status [--data-dir DIR] [--json]',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } })
    const status = await (await ApiClient.fromDataDir(dataDirFlag(values))).request<NodeStatus>('GET', '/api/status')
    if (values.json) {
      console.log(JSON.stringify(status, null, 2))
      return 0
    }
    console.log(`role         ${status.role}`)
    console.log(`peer id      ${status.peerId}`)
    console.log(`sui address  ${status.suiAddress}`)
    console.log(`listening    ${status.addrs.join(' ')}`)
    console.log(`uptime       ${status.uptimeS} s`)
    console.log(`connections  ${status.connections}`)
    console.log(`dht          ${status.dht.mode}, ${status.dht.routingTable} peers in routing table`)
    for (const [topic, t] of Object.entries(status.topics)) console.log(`topic ${topic.padEnd(8)} ${t.subscribers.length} subscribers, mesh ${t.mesh}`)
    return 0
  }
}

export const peersCommand: Command = {
  summary: 'list the running node\'s connected peers',
  usage: 'pictor peers [--data-dir DIR] [--json]',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } })
    const peers = await (await ApiClient.fromDataDir(dataDirFlag(values))).request<PeerInfo[]>('GET', '/api/peers')
    if (values.json) console.log(JSON.stringify(peers, null, 2))
    else printTable(['peer id', 'address', 'direction', 'rtt ms'], peers.map((p) => [p.peerId, p.addr, p.direction, p.rttMs === undefined ? '-' : String(Math.round(p.rttMs))]))
    return 0
  }
}
