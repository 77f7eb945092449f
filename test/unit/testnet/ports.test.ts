// Ports for nodes started later come from below the OS's ephemeral range
// (where outgoing connections take their source ports), distinct and free.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePorts } from '../../../testnet/ports.ts'

describe('freePorts', () => {
  it('gives distinct ports below the ephemeral range that can be bound', async () => {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    const ports = await freePorts(16)
    expect(new Set(ports).size).toBe(16)
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000)
      expect(port).toBeLessThan(start)
      const server = createServer()
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => resolve())
      })
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
