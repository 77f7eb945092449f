// ProviderLookup over a fake host whose kad peers answer GET_PROVIDERS over
// in-memory streams with the real codec: providers are taken in turns so
// junk on one key or in one answer does not stand in front of the honest
// provider; a search cut off at kad-dht's K is followed by asking the
// closest peers directly; when every search came up empty, the peers this
// node knows are asked and the peers they name followed; every peer is handed
// out once, the total is capped, and close() ends it all.

import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import type { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { decodeKadMessage, encodeKadMessage, KAD_MESSAGE } from '../../../../node/blobs/kad-wire.ts'
import { providerKeys } from '../../../../node/blobs/provider-keys.ts'
import { MAX_PROVIDERS_TRIED, ProviderLookup, type ProviderLookupComponents } from '../../../../node/blobs/provider-lookup.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { KAD_PROTOCOL } from '../../../../protocol/index.ts'

const KEYS = providerKeys('ab'.repeat(32))
/** This node. */
const self = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

async function peers(n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

/** Peers with this address are the honest ones: their merge into the peer store is how a test sees them queued. */
const HONEST_ADDR = multiaddr('/ip4/127.0.0.1/tcp/4001')
const info = (id: PeerId, honest = false): PeerInfo => ({ id, multiaddrs: honest ? [HONEST_ADDR] : [] })
const kadPeer = (id: PeerId, honest = false) => ({ id: id.toMultihash().bytes, addrs: honest ? [HONEST_ADDR.bytes] : [] })

/** Resolves once the lookup has queued an honest peer (merged its address, then pushed it: one macrotask later); rejects if it never does. */
function queued(merged: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const never = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the honest provider was never queued')), 5_000)
  })
  return Promise.race([merged.then(() => new Promise<void>((resolve) => setImmediate(resolve))), never]).finally(() => clearTimeout(timer))
}

type Answer = (key: string) => { providers?: PeerId[]; closer?: PeerId[] }

interface World {
  /** What kad-dht's own search yields per key (by CID string). */
  found?: Map<string, PeerId[]>
  /** The peers a walk for the key ends at. */
  closest?: Map<string, PeerId[]>
  /** Peers in this node's peer store that spoke kad to it. */
  known?: PeerId[]
  /** Peers in its peer store it only heard of (a provider record, a closer-peers list). */
  heardOf?: PeerId[]
  /** How each reachable kad peer answers GET_PROVIDERS, by peer id string. */
  answers?: Map<string, Answer>
  /** Peers listed with HONEST_ADDR wherever they appear. */
  honest?: PeerId[]
  /** kad-dht's search for this key waits for this before yielding. */
  holdBack?: Map<string, Promise<void>>
  /** kad-dht's search for every key waits for its signal to abort once it has yielded what it found. */
  hangAfter?: boolean
  /** Peers that cannot be dialled until an address for them is merged into the peer store (a forged record left them a dead one). */
  lost?: PeerId[]
}

/** A fake host over `world`; records which peers were asked (reachable or not) and the signals the searches got. */
function host(world: World) {
  const asked: string[] = []
  const signals: AbortSignal[] = []
  let onHonestMerge: () => void = () => {}
  const honestMerged = new Promise<void>((resolve) => {
    onHonestMerge = resolve
  })
  const isHonest = (id: PeerId) => (world.honest ?? []).some((h) => h.equals(id))
  /** Peers some address was merged for. */
  const found = new Set<string>()
  const libp2p = {
    peerId: self,
    contentRouting: {
      async *findProviders(key: CID, options: { signal: AbortSignal }) {
        signals.push(options.signal)
        await world.holdBack?.get(key.toString())
        for (const id of world.found?.get(key.toString()) ?? []) yield info(id, isHonest(id))
        if (world.hangAfter) await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }))
      }
    },
    services: {
      dht: {
        async *getClosestPeers(key: Uint8Array) {
          const cid = KEYS.find((k) => Buffer.from(k.multihash.bytes).equals(key))!
          for (const id of world.closest?.get(cid.toString()) ?? []) yield { name: 'FINAL_PEER', peer: info(id) }
        }
      }
    },
    peerStore: {
      merge: async (id: PeerId, data: { multiaddrs?: unknown[] }) => {
        if (isHonest(id)) onHonestMerge()
        if ((data.multiaddrs?.length ?? 0) > 0) found.add(id.toString())
      },
      all: async () => [
        ...[self, ...(world.known ?? [])].map((id) => ({ id, protocols: [KAD_PROTOCOL] })),
        ...(world.heardOf ?? []).map((id) => ({ id, protocols: [] }))
      ]
    },
    dialProtocol: async (peer: PeerId, protocol: string) => {
      expect(protocol).toBe(KAD_PROTOCOL)
      asked.push(peer.toString())
      const answer = world.answers?.get(peer.toString())
      if (answer === undefined) throw new Error(`no route to ${peer}`)
      if ((world.lost ?? []).some((p) => p.equals(peer)) && !found.has(peer.toString())) throw new Error(`connect ECONNREFUSED (${peer})`)
      const [outbound, inbound] = await streamPair()
      void (async () => {
        const lp = lpStream(inbound)
        const request = decodeKadMessage((await lp.read()).subarray())
        const cid = KEYS.find((k) => Buffer.from(k.multihash.bytes).equals(request.key!))!
        const { providers = [], closer = [] } = answer(cid.toString())
        await lp.write(encodeKadMessage({ type: KAD_MESSAGE.getProviders, key: request.key, providers: providers.map((p) => kadPeer(p, isHonest(p))), closer: closer.map((p) => kadPeer(p, true)) }))
        await inbound.close()
      })().catch((err: Error) => inbound.abort(err))
      return outbound
    }
  } as unknown as ProviderLookupComponents['libp2p']
  return { libp2p, asked, signals, honestMerged }
}

function lookup(world: World, skip: string[] = [], keys: CID[] = KEYS, timeoutMs = 10_000) {
  const h = host(world)
  const errors: unknown[] = []
  const l = new ProviderLookup({ libp2p: h.libp2p }, { keys, skip, timeoutMs, signal: new AbortController().signal, onSearchError: (_, err) => errors.push(err) })
  return { ...h, lookup: l, errors }
}

async function drain(l: ProviderLookup): Promise<string[]> {
  const out: string[] = []
  for (let peer = await l.next(); peer !== undefined; peer = await l.next()) out.push(peer.toString())
  return out
}

describe('ProviderLookup', () => {
  it("takes turns between keys: 20 junk providers on the blob's key do not stand in front of a replica key's", async () => {
    const junk = await peers(20)
    const [honest] = await peers(1)
    let junkQueued: () => void = () => {}
    const world: World = {
      found: new Map([[KEYS[0]!.toString(), junk], [KEYS[2]!.toString(), [honest!]]]),
      honest: [honest!],
      // The replica key's answer comes in after all the junk.
      holdBack: new Map([[KEYS[2]!.toString(), new Promise<void>((resolve) => (junkQueued = resolve))]])
    }
    const { lookup: l, honestMerged } = lookup(world)
    expect(junk.map(String)).toContain(String(await l.next()))
    junkQueued()
    await queued(honestMerged)
    expect(String(await l.next())).toBe(honest!.toString())
    l.close()
  })

  it('after a search cut off at K providers, asks the closest peers directly and reads every answer', async () => {
    const junk = await peers(40)
    const [sybil, holder, honest] = await peers(3)
    const key = KEYS[0]!.toString()
    const world: World = {
      found: new Map([[key, junk.slice(0, 20)]]),
      closest: new Map([[key, [sybil!, holder!]]]),
      answers: new Map([
        [sybil!.toString(), () => ({ providers: junk.slice(20) })],
        [holder!.toString(), () => ({ providers: [honest!] })]
      ]),
      honest: [honest!]
    }
    const { lookup: l, asked, honestMerged } = lookup(world, [], [KEYS[0]!])
    // One junk provider tried; the other 19 still wait, yet the holder is asked now, not once they are used up.
    expect(junk.map(String)).toContain(String(await l.next()))
    await queued(honestMerged)
    expect(asked).toEqual(expect.arrayContaining([sybil!.toString(), holder!.toString()]))
    const handed = [await l.next(), await l.next()].map(String)
    expect(handed).toContain(honest!.toString())
    const rest = await drain(l)
    expect(new Set([...handed, ...rest]).size).toBe(handed.length + rest.length)
  })

  it('when the searches run dry, asks the peers it knows and follows the peers they name', async () => {
    const [silent, friend, holder, honest] = await peers(4)
    const world: World = {
      honest: [honest!],
      // A forged record names the holder as a provider: tried, it does not have the blob, but it still holds the record.
      found: new Map([[KEYS[0]!.toString(), [holder!]]]),
      closest: new Map(KEYS.map((k) => [k.toString(), [silent!]])),
      known: [silent!, friend!],
      answers: new Map<string, Answer>([
        [silent!.toString(), () => ({})],
        [friend!.toString(), (key) => (key === KEYS[3]!.toString() ? { closer: [silent!, self, holder!] } : {})],
        [holder!.toString(), (key) => (key === KEYS[3]!.toString() ? { providers: [honest!] } : {})]
      ])
    }
    const { lookup: l, asked } = lookup(world)
    expect(await drain(l)).toEqual([holder!.toString(), honest!.toString()])
    expect(asked).toContain(holder!.toString())
    expect(asked).not.toContain(self.toString())
    // Each peer is asked once per key, whoever names it.
    expect(asked.filter((p) => p === silent!.toString())).toHaveLength(KEYS.length)
  })

  it('asks the peers that spoke kad to it before the ids junk records left in its peer store', async () => {
    const junk = await peers(40)
    const [friend, honest] = await peers(2)
    const world: World = {
      honest: [honest!],
      known: [friend!],
      heardOf: junk,
      answers: new Map<string, Answer>([[friend!.toString(), () => ({ providers: [honest!] })]])
    }
    const { lookup: l, asked } = lookup(world, [], [KEYS[2]!])
    expect(await drain(l)).toEqual([honest!.toString()])
    expect(asked[0]).toBe(friend!.toString())
    // The rest of the round is filled with ids it only heard of, nearest the key first.
    expect(asked).toHaveLength(20)
  })

  it('asks a known peer it could not reach once more when another names it with an address', async () => {
    const [friend, holder, honest] = await peers(3)
    const world: World = {
      honest: [honest!],
      known: [friend!, holder!],
      lost: [holder!],
      answers: new Map<string, Answer>([
        [friend!.toString(), () => ({ closer: [holder!] })],
        [holder!.toString(), () => ({ providers: [honest!] })]
      ])
    }
    const { lookup: l, asked } = lookup(world, [], [KEYS[1]!])
    expect(await drain(l)).toEqual([honest!.toString()])
    expect(asked.filter((p) => p === holder!.toString())).toHaveLength(2)
  })

  it('hands out each peer once, never a skipped one, and MAX_PROVIDERS_TRIED at most', async () => {
    const many = await peers(220)
    const closest = many.slice(0, 10)
    const key = KEYS[0]!.toString()
    // Every search yields the same 30 peers; each of 10 closest peers names 20 more of its own.
    const world: World = {
      found: new Map(KEYS.map((k) => [k.toString(), many.slice(0, 30)])),
      closest: new Map([[key, closest]]),
      answers: new Map(closest.map((p, i) => [p.toString(), () => ({ providers: many.slice(20 + i * 20, 40 + i * 20) })]))
    }
    const { lookup: l } = lookup(world, [many[3]!.toString()])
    const handed = await drain(l)
    expect(new Set(handed).size).toBe(handed.length)
    expect(handed).not.toContain(many[3]!.toString())
    expect(handed).toHaveLength(MAX_PROVIDERS_TRIED)
  })

  it('takes at most 20 providers from one search, however many the router yields', async () => {
    const many = await peers(60)
    const { lookup: l } = lookup({ found: new Map([[KEYS[1]!.toString(), many]]) }, [], [KEYS[1]!])
    expect(await drain(l)).toEqual(many.slice(0, 20).map(String))
  })

  it('still hands out the providers found before the search time ran out, then ends', async () => {
    const [a, b] = await peers(2)
    const { lookup: l, signals } = lookup({ found: new Map([[KEYS[0]!.toString(), [a!, b!]]]), hangAfter: true }, [], [KEYS[0]!], 50)
    expect(String(await l.next())).toBe(a!.toString())
    await new Promise((resolve) => signals[0]!.addEventListener('abort', resolve, { once: true }))
    expect(String(await l.next())).toBe(b!.toString())
    expect(await l.next()).toBeUndefined()
  })

  it('close() ends the lookup: next() answers undefined and the searches see their signal aborted', async () => {
    const [a] = await peers(1)
    const { lookup: l, signals } = lookup({ found: new Map([[KEYS[0]!.toString(), [a!]]]) })
    expect(String(await l.next())).toBe(a!.toString())
    l.close()
    expect(await l.next()).toBeUndefined()
    expect(signals.length).toBe(KEYS.length)
    expect(signals.every((s) => s.aborted)).toBe(true)
  })
})
