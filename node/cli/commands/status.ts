import { ApiClient } from '../../api/client.ts'
import type { Hardware } from '../../../protocol/index.ts'
import type { NodeStatus, PeerInfo } from '../../node-status.ts'
import { detectGpus, detectHardware, withGpus } from '../../roles/worker/index.ts'
import { type Command, dataDirFlag, parseFlags } from '../args.ts'
import { printTable } from '../table.ts'

export const statusCommand: Command = {
  summary: 'show the running node: role, ledger registration, peer id, addresses, peers, gossip topics, DHT, blob backend, hardware',
  usage: 'pictor status [--data-dir DIR] [--json]',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } })
    const status = await (await ApiClient.fromDataDir(dataDirFlag(values))).request<NodeStatus>('GET', '/api/status')
    // The API listens on 127.0.0.1 only, so the node runs on this machine: its hardware is ours, detected the way a worker detects it for offers.
    const hardware = withGpus(detectHardware(), (await detectGpus()).gpus)
    if (values.json) {
      console.log(JSON.stringify({ ...status, hardware }, null, 2))
      return 0
    }
    console.log(`role         ${status.role}`)
    console.log(`ledger       ${status.registration ?? 'none'}`)
    console.log(`peer id      ${status.peerId}`)
    console.log(`sui address  ${status.suiAddress}`)
    console.log(`listening    ${status.addrs.join(' ')}`)
    console.log(`uptime       ${status.uptimeS} s`)
    console.log(`connections  ${status.connections}`)
    console.log(`dht          ${status.dht.mode}, ${status.dht.routingTable} peers in routing table`)
    if (status.blobs !== undefined) console.log(`blobs        ${status.blobs.backend}, ${status.blobs.ok ? 'ok' : 'NOT ANSWERING'}: ${status.blobs.detail.replaceAll('\n', '; ')}`)
    for (const [topic, t] of Object.entries(status.topics)) console.log(`topic ${topic.padEnd(8)} ${t.subscribers.length} subscribers, mesh ${t.mesh}`)
    for (const line of hardwareLines(hardware)) console.log(line)
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

function hardwareLines(h: Hardware): string[] {
  const ram = `${(h.ramMib / 1024).toFixed(1)} GiB RAM`
  const vram = h.gpuVramMib > 0 ? `, ${(h.gpuVramMib / 1024).toFixed(1)} GiB each` : ''
  // Model names mostly start with the vendor ("NVIDIA H100"); lspci's do not.
  const name = h.gpuModel.toLowerCase().includes(h.gpuVendor.toLowerCase()) ? h.gpuModel : `${h.gpuVendor} ${h.gpuModel}`
  const gpus = h.gpuCount === 0 ? 'none detected' : `${h.gpuCount} x ${name}${vram}`
  return [`cpu          ${h.cpuModel}, ${h.cpuCount} ${h.cpuCount === 1 ? 'core' : 'cores'}, ${ram}`, `gpus         ${gpus}`]
}
