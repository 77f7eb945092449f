// Free TCP ports on 127.0.0.1 for nodes that are started later (a child
// process binds them a second or two after this returns). Ports the OS hands
// out for port 0 come from its ephemeral range, which is also where every
// outgoing connection takes its source port: under a busy test run one of
// them took a node's port before the node bound it (EADDRINUSE at start).
// So ports are drawn at random below the ephemeral range, each checked by
// binding it, and held together so they differ.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'

/** Linux's default ephemeral range starts at 32768; ports are drawn from [LOWEST, that start). */
const LOWEST = 20_000
const TRIES_PER_PORT = 50

function ephemeralStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(start) && start > LOWEST + 1000 ? start : 32_768
  } catch {
    return 32_768
  }
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

/** `count` distinct TCP ports on 127.0.0.1 that were free a moment ago, outside the OS's ephemeral range. */
export async function freePorts(count: number): Promise<number[]> {
  const top = ephemeralStart()
  const held: Server[] = []
  try {
    for (let i = 0; i < count; i++) {
      let server: Server | undefined
      for (let attempt = 0; server === undefined; attempt++) {
        // Past the tries (a crowded range), let the OS choose, as before.
        const port = attempt < TRIES_PER_PORT ? LOWEST + Math.floor(Math.random() * (top - LOWEST)) : 0
        server = await listen(port)
      }
      held.push(server)
    }
    return held.map((s) => (s.address() as import('node:net').AddressInfo).port)
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))))
  }
}
