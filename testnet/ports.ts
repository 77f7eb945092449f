import { createServer } from 'node:net'

/** Asks the OS for `count` free TCP ports on 127.0.0.1 (held together so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve(server))
    }))
  )
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}
