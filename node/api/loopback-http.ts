// Listening and stopping for the node's local HTTP servers (the API and the
// devchain's JSON-RPC): bound to 127.0.0.1 only, and stopped without
// waiting for idle keep-alive connections.
import type { Server } from 'node:http'

export async function listenOnLoopback(server: Server, port: number): Promise<void> {
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}
