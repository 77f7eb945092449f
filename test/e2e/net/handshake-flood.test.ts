// Issue 12, hole 2: raw TCP sockets that never start the Noise handshake,
// re-opened as soon as they close, from one address (127.0.0.2). A node with
// production limits must still let honest peers from another address
// (127.0.0.1) in, and its memory must stay bounded.
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type PictorLibp2p } from '../../../node/net/host.ts'
import type { Memory } from './flood-target.ts'

const ATTACKER_ADDRESS = '127.0.0.2'
const HONEST_DIALS = 20
// Under the target's 5 new connections per second per address, so the honest
// host never meets that limit, only the flood.
const HONEST_DIAL_SPACING_MS = 300
// What the flood may leave live on the target's heap (after a full GC) while
// it runs: a few pending handshakes and the timers of refused ones. RSS itself
// is not asserted: under tens of thousands of refused connections a second V8
// grows its heap reservation (~170 MiB here, as a bare node:net server that
// only destroys sockets does), which says nothing about what the node keeps.
const MAX_RETAINED_HEAP_GROWTH_BYTES = 32 * 1024 * 1024

class FloodTarget {
  readonly child: ChildProcess
  constructor() {
    this.child = fork(fileURLToPath(new URL('./flood-target.ts', import.meta.url)), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: ['--expose-gc']
    })
  }
  async addr(): Promise<string> {
    const [message] = (await once(this.child, 'message')) as [{ addr: string }]
    return message.addr
  }
  async memory(): Promise<Memory> {
    this.child.send('memory')
    const [message] = (await once(this.child, 'message')) as [Memory]
    return message
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.send('stop')
    await exited
  }
}

/** `count` sockets from one address that connect and then say nothing; each is re-opened as soon as it closes. */
class IdleSocketFlood {
  private readonly sockets = new Set<Socket>()
  private readonly host: string
  private readonly port: number
  private stopped = false
  connects = 0
  /** Last socket error, so a machine that cannot bind the attacker's address says so. */
  lastError: string | undefined

  constructor(host: string, port: number, count: number) {
    this.host = host
    this.port = port
    for (let i = 0; i < count; i++) this.open()
  }

  private open(): void {
    if (this.stopped) return
    const socket = connect({ host: this.host, port: this.port, localAddress: ATTACKER_ADDRESS })
    this.sockets.add(socket)
    socket.on('connect', () => this.connects++)
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message
    })
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.open()
    })
  }

  stop(): void {
    this.stopped = true
    for (const socket of this.sockets) socket.destroy()
  }
}

let target: FloodTarget | undefined
let flood: IdleSocketFlood | undefined
let honest: PictorLibp2p | undefined

afterEach(async () => {
  flood?.stop()
  await honest?.stop()
  await target?.stop()
  flood = honest = target = undefined
})

async function honestDials(host: PictorLibp2p, addr: string): Promise<number> {
  let successes = 0
  for (let i = 0; i < HONEST_DIALS; i++) {
    try {
      const connection = await host.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) })
      if (connection.status === 'open') successes++
      await host.hangUp(connection.remotePeer)
    } catch {
      // A refused or timed-out dial is what this test counts.
    }
    await new Promise((resolve) => setTimeout(resolve, HONEST_DIAL_SPACING_MS))
  }
  return successes
}

async function waitUntil(check: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('inbound handshake flood from one address', () => {
  for (const sockets of [10, 200]) {
    it(`lets ${HONEST_DIALS} honest dials in past ${sockets} idle sockets`, async () => {
      target = new FloodTarget()
      const addr = await target.addr()
      honest = await createHost({
        privateKey: await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(0x72)),
        listen: [],
        bootstrap: [],
        localTestnet: false
      })
      const before = await target.memory()
      const port = Number(multiaddr(addr).getComponents().find((c) => c.name === 'tcp')?.value)
      const attack = new IdleSocketFlood('127.0.0.1', port, sockets)
      flood = attack
      await waitUntil(() => attack.connects >= sockets, () => `every attacker socket to connect once (last error: ${attack.lastError ?? 'none'})`)
      const successes = await honestDials(honest, addr)
      const during = await target.memory()
      const mib = (bytes: number) => Math.round(bytes / 2 ** 20)
      const figures = {
        sockets,
        successes,
        attackerConnects: attack.connects,
        rssBeforeMiB: mib(before.rss),
        peakRssMiB: mib(during.peakRss),
        retainedHeapBeforeMiB: mib(before.retainedHeap),
        retainedHeapDuringMiB: mib(during.retainedHeap)
      }
      expect(successes, JSON.stringify(figures)).toBeGreaterThanOrEqual(HONEST_DIALS - 1)
      expect(during.retainedHeap - before.retainedHeap, JSON.stringify(figures)).toBeLessThan(MAX_RETAINED_HEAP_GROWTH_BYTES)
    })
  }
})
