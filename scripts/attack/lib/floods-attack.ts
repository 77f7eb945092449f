// The floods scenario: one creator, a real `pictor start` process with the
// production connection limits (no --local-testnet), serving a 1 MiB blob.
// At once: raw TCP sockets from 127.0.0.2 that never finish a handshake
// (re-opened as the node closes them), one identity on 127.0.0.3 opening
// streams as fast as it can and holding them, and many fresh identities,
// each on its own address (127.0.1.x), that connect, hold streams and ask
// for the blob without reading it. Meanwhile honest peers on 127.0.0.1
// fetch the blob over their connections and new honest peers dial in. Bar: >= 99% of honest fetches and of honest dials succeed, the node's
// RSS growth stays bounded.
import { createHash, randomBytes } from 'node:crypto'
import { createConnection, type Socket } from 'node:net'
import type { Libp2p, Stream } from '@libp2p/interface'
import { BLOB_CODES, BLOB_PROTOCOL, BlobHeader, BlobRequest, TASK_PROTOCOL } from '../../../protocol/index.ts'
import { addrOf, ATTACKER_ADDRESS, bareIdentity, sleep, stopAll } from './hosts.ts'
import { startNodeProcess } from './node-process.ts'
import { memoryOf } from './metrics.ts'
import { processStats, RssWatch, toMib, MIB } from './proc.ts'
import { answeredYes, framed, probeStream, sendOnce, splitFrame } from './stream-probe.ts'

export const FLOODS_BAR = '>= 99% of honest blob fetches and of honest new dials succeed during the floods; node RSS growth < 100 MB'
export const MIN_HONEST_SUCCESS = 0.99
/** 100 MB (decimal): what 200 idle sockets cost a node before the fix (+134 MB) must not be reached. */
export const MAX_FLOOD_RSS_GROWTH_BYTES = 100_000_000

export interface FloodsOptions {
  attackMs: number
  /** Raw TCP sockets held open without a handshake. */
  pendingSockets: number
  /** Fresh identities that connect and hold streams. */
  identities: number
  /** Streams each identity holds; half ask for the blob and never read it. */
  streamsPerIdentity: number
  honestPeers: number
  log(line: string): void
}

const HONEST_ADDRESS = '127.0.0.1'
/** Each attack from its own address, so one address's limits do not hide the next attack. */
const STREAM_FLOODER_ADDRESS = '127.0.0.3'
/** Many identities on as many hosts: 127.0.1.1, 127.0.1.2, ... */
const identityAddress = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`
const FETCH_TIMEOUT_MS = 10_000

export async function floodsAttack(options: FloodsOptions) {
  const failures: string[] = []
  const node = await startNodeProcess({ role: 'creator' })
  const nodes: Libp2p[] = []
  const sockets = new Set<Socket>()
  const stopFlood = new AbortController()
  try {
    const blob = randomBytes(MIB)
    const res = await fetch(`${node.apiUrl}/api/blobs`, { method: 'POST', headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/octet-stream' }, body: blob })
    if (!res.ok) throw new Error(`blob upload answered ${res.status}`)
    const blobId = createHash('sha256').update(blob).digest()
    const target = addrOf(node.addr)

    const honest: Libp2p[] = []
    for (let i = 0; i < options.honestPeers; i++) honest.push(await bareIdentity(HONEST_ADDRESS))
    nodes.push(...honest)
    for (const h of honest) await h.dial(target, { signal: AbortSignal.timeout(10_000) })
    /** One honest fetch of the whole blob: 'ok', or why not. */
    const fetchOnce = async (h: Libp2p): Promise<string> => {
      const o = await probeStream(h, target, BLOB_PROTOCOL, sendOnce(framed(BlobRequest.encode({ blobId, offset: 0 }))), { waitMs: FETCH_TIMEOUT_MS, dialTimeoutMs: FETCH_TIMEOUT_MS, wholeStream: true })
      if (o.kind !== 'answered') return o.kind === 'held' ? 'timeout' : o.kind
      if (!answeredYes('blob', o)) {
        const code = BlobHeader.decode(splitFrame(o.bytes)?.frame ?? new Uint8Array()).code
        return Object.entries(BLOB_CODES).find(([, c]) => c === code)?.[0] ?? `code ${code}`
      }
      return createHash('sha256').update(splitFrame(o.bytes)!.rest).digest().equals(blobId) ? 'ok' : 'wrong bytes'
    }
    const control = await Promise.all(honest.map(async (h) => [await fetchOnce(h), await fetchOnce(h)]))
    if (!control.flat().every((r) => r === 'ok')) throw new Error(`honest fetches fail before any attack: ${control.flat().join(', ')}`)

    const baseline = (await processStats(node.pid))?.rssBytes ?? 0
    const memoryBefore = await memoryOf(node.apiUrl)
    const watch = new RssWatch(node.pid)
    const signal = stopFlood.signal
    const counts = { socketsOpened: 0, socketsClosedByNode: 0, floodStreamsOpened: 0, floodStreamsRefused: 0, identitiesConnected: 0, identityDialsRefused: 0, heldStreams: 0 }

    options.log(`flooding for ${options.attackMs / 1000} s: ${options.pendingSockets} idle sockets, one stream flooder, ${options.identities} identities`)
    // 1. Raw sockets that never finish the handshake, re-opened as the node closes them.
    const [host, port] = [node.addr.split('/')[2]!, Number(node.addr.split('/')[4])]
    const openSocket = () => {
      if (signal.aborted) return
      const s = createConnection({ host, port, localAddress: ATTACKER_ADDRESS })
      counts.socketsOpened++
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        sockets.delete(s)
        if (signal.aborted) return
        counts.socketsClosedByNode++
        // At most a few hundred re-opens a second: a flood, not a busy loop.
        setTimeout(openSocket, 5)
      })
    }
    for (let i = 0; i < options.pendingSockets; i++) openSocket()

    // 2. One identity opening streams as fast as it can, holding every one it gets.
    const flooder = await bareIdentity(STREAM_FLOODER_ADDRESS)
    nodes.push(flooder)
    const streamFlood = (async () => {
      const held: Stream[] = []
      while (!signal.aborted) {
        try {
          const conn = await flooder.dial(target, { signal: AbortSignal.timeout(5_000) })
          for (let i = 0; i < 64 && !signal.aborted; i++) {
            try {
              held.push(await conn.newStream(i % 2 === 0 ? BLOB_PROTOCOL : TASK_PROTOCOL, { signal: AbortSignal.timeout(5_000) }))
              counts.floodStreamsOpened++
            } catch {
              counts.floodStreamsRefused++
            }
          }
        } catch {
          counts.floodStreamsRefused++
          await sleep(50)
        }
        await sleep(0)
      }
      for (const s of held) s.abort(new Error('flood over'))
    })()

    // 3. Many identities: connect, hold silent streams, ask for the blob and never read it.
    const identities = await Promise.all(Array.from({ length: options.identities }, (_, i) => bareIdentity(identityAddress(i))))
    nodes.push(...identities)
    const identityFlood = Promise.all(
      identities.map(async (id) => {
        while (!signal.aborted) {
          try {
            const conn = await id.dial(target, { signal: AbortSignal.timeout(5_000) })
            counts.identitiesConnected++
            for (let i = 0; i < options.streamsPerIdentity; i++) {
              const stream = await conn.newStream(BLOB_PROTOCOL, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
              if (stream === undefined) continue
              counts.heldStreams++
              // Half ask for the blob and never read a byte of it: they hold a serving slot until the node gives up.
              if (i % 2 === 0) stream.send(framed(BlobRequest.encode({ blobId, offset: 0 })))
              stream.pause()
            }
            await Promise.race([new Promise((resolve) => conn.addEventListener('close', resolve, { once: true })), new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))])
          } catch {
            counts.identityDialsRefused++
            await sleep(200)
          }
        }
      })
    )

    // Honest traffic under the flood, after a moment for it to build up.
    await sleep(Math.min(3_000, options.attackMs / 5))
    const honestStats = { fetches: 0, fetchesOk: 0, dials: 0, dialsOk: 0 }
    const fetchFailures: Record<string, number> = {}
    const tally = (result: string) => {
      if (result !== 'ok') fetchFailures[result] = (fetchFailures[result] ?? 0) + 1
      return result === 'ok'
    }
    const honestUntil = Date.now() + options.attackMs - Math.min(3_000, options.attackMs / 5)
    const fetchers = honest.map(async (h) => {
      while (Date.now() < honestUntil) {
        honestStats.fetches++
        if (tally(await fetchOnce(h))) honestStats.fetchesOk++
        await sleep(100)
      }
    })
    const dialer = (async () => {
      while (Date.now() < honestUntil) {
        const fresh = await bareIdentity(HONEST_ADDRESS)
        honestStats.dials++
        try {
          await fresh.dial(target, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
          if (tally(await fetchOnce(fresh))) honestStats.dialsOk++
        } catch {
          tally('dial refused')
        }
        await fresh.stop()
        await sleep(1_000)
      }
    })()
    await Promise.all([...fetchers, dialer])
    const peakDuring = watch.takePeak()
    let connectionsDuring = 0
    const memoryDuring = await memoryOf(node.apiUrl).catch(() => undefined)
    try {
      connectionsDuring = Number(/^pictor_peers (\d+)/m.exec(await (await fetch(`${node.apiUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text())?.[1] ?? 0)
    } catch {}
    stopFlood.abort()
    for (const s of sockets) s.destroy()
    await Promise.all([streamFlood, identityFlood])
    await sleep(1_000)
    watch.stop()

    const alive = node.alive()
    const statusOk = await fetch(`${node.apiUrl}/api/status`, { headers: { authorization: `Bearer ${node.token}` }, signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false)
    const fetchRate = honestStats.fetches === 0 ? 0 : honestStats.fetchesOk / honestStats.fetches
    const dialRate = honestStats.dials === 0 ? 0 : honestStats.dialsOk / honestStats.dials
    const growth = Math.max(0, peakDuring - baseline)
    if (fetchRate < MIN_HONEST_SUCCESS) failures.push(`honest fetches: ${honestStats.fetchesOk} of ${honestStats.fetches} succeeded (bar >= 99%)`)
    if (dialRate < MIN_HONEST_SUCCESS) failures.push(`honest new dials: ${honestStats.dialsOk} of ${honestStats.dials} connected and fetched (bar >= 99%)`)
    if (growth >= MAX_FLOOD_RSS_GROWTH_BYTES) failures.push(`node RSS grew ${toMib(growth)} MiB during the floods (bar < ${MAX_FLOOD_RSS_GROWTH_BYTES / 1e6} MB)`)
    if (!alive || !statusOk) failures.push('the node exited or stopped answering its API')
    return {
      failures,
      honest: { fetches: honestStats.fetches, fetchSuccessPct: pct(fetchRate), dials: honestStats.dials, dialSuccessPct: pct(dialRate), failures: fetchFailures },
      attack: { ...counts, connectionsAtNode: connectionsDuring },
      rssBaselineMib: toMib(baseline),
      rssGrowthMib: toMib(growth),
      memoryMib: { before: memoryBefore, endOfFlood: memoryDuring },
      alive: alive && statusOk
    }
  } finally {
    stopFlood.abort()
    for (const s of sockets) s.destroy()
    await stopAll(nodes)
    await node.stop()
  }
}

const pct = (rate: number) => Math.round(rate * 10_000) / 100
