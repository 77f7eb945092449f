// The raw-TCP baseline of the throughput benches: bytes written over one
// node:net socket on 127.0.0.1 in fixed chunks, honouring backpressure, to a
// receiver that only counts them. Both ends share this process's event loop.
import { createConnection, createServer, type Socket } from 'node:net'

/** Milliseconds from the first write until the receiver has counted every byte. */
export async function rawTcpTransferMs(bytes: Uint8Array, chunkBytes = 64 * 1024): Promise<number> {
  let received = 0
  let done: () => void = () => {}
  const all = new Promise<void>((resolve) => {
    done = resolve
  })
  const accepted: Socket[] = []
  const server = createServer((sock: Socket) => {
    accepted.push(sock)
    sock.on('data', (chunk: Buffer) => {
      received += chunk.byteLength
      if (received >= bytes.byteLength) done()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const socket = createConnection({ host: '127.0.0.1', port })
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    const start = performance.now()
    for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
      if (!socket.write(bytes.subarray(offset, offset + chunkBytes))) await new Promise((resolve) => socket.once('drain', resolve))
    }
    await all
    return performance.now() - start
  } finally {
    socket.destroy()
    for (const sock of accepted) sock.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
