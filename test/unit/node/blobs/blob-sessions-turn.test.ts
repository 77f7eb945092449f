import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { BLOB_MAX_ACTIVE_PER_PEER, BlobSessions } from '../../../../node/blobs/blob-sessions.ts'

const peer = (name: string) => ({ toString: () => name }) as unknown as PeerId
const sessions = () => new BlobSessions({ dialProtocol: async () => Promise.reject(new Error('no network in this test')) })
const settled = () => new Promise((resolve) => setImmediate(resolve))

describe('BlobSessions.turn', () => {
  it('lets BLOB_MAX_ACTIVE_PER_PEER exchanges run per peer, the next waits for one to end, other peers do not wait', async () => {
    const s = sessions()
    const signal = new AbortController().signal
    const ends = await Promise.all(Array.from({ length: BLOB_MAX_ACTIVE_PER_PEER }, () => s.turn(peer('a'), signal)))
    let waited = false
    const next = s.turn(peer('a'), signal).then((end) => {
      waited = true
      return end
    })
    await settled()
    expect(waited).toBe(false)
    // Another provider has its own turns.
    const other = await s.turn(peer('b'), signal)
    ends[0]!()
    // Ending twice frees one turn only.
    ends[0]!()
    const end = await next
    expect(waited).toBe(true)
    let third = false
    void s.turn(peer('a'), signal).then(() => (third = true))
    await settled()
    expect(third).toBe(false)
    end()
    await settled()
    expect(third).toBe(true)
    other()
  })

  it('gives up waiting when the fetch is aborted, and the turn it would have had goes to the next in line', async () => {
    const s = sessions()
    const ends = await Promise.all(Array.from({ length: BLOB_MAX_ACTIVE_PER_PEER }, () => s.turn(peer('a'), new AbortController().signal)))
    const abort = new AbortController()
    const aborted = s.turn(peer('a'), abort.signal)
    let second = false
    void s.turn(peer('a'), new AbortController().signal).then(() => (second = true))
    abort.abort(new Error('fetch cancelled'))
    await expect(aborted).rejects.toThrow('fetch cancelled')
    ends[1]!()
    await settled()
    expect(second).toBe(true)
  })
})
