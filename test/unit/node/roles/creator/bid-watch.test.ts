import { describe, expect, it } from 'vitest'
import { NO_BID_GRACE_MS, noBidReasons, noBidsOf } from '../../../../../node/roles/creator/bid-watch.ts'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { blenderJob, newJob, offer } from './fixtures.ts'

describe('noBidReasons', () => {
  it('says when no worker has been heard from at all', () => {
    expect(noBidReasons(blenderJob(), [])).toEqual(['no worker heard from: no offers on the network in the last 2 minutes'])
  })

  it('names the renderer nobody runs, and what they run instead', () => {
    expect(noBidReasons(blenderJob(), [offer({}, { name: 'builtin', version: '1' })])).toEqual(['no worker runs renderer blender (workers run builtin)'])
  })

  it.each([
    [{ rendererVersion: '>=9' }, 'no worker runs blender >=9 (workers run 3.4.1, 4.2.0)'],
    [{ device: 'GPU' }, 'no worker has device GPU (workers have CPU)'],
    [{ engine: 'WORKBENCH' }, 'no worker offers engine WORKBENCH (workers offer CYCLES, BLENDER_EEVEE)'],
    [{ maxPrice: 100 }, 'every worker asks more than your price cap of 100 (the cheapest asks 700)'],
    [{ minBenchScore: 2000 }, 'no worker meets the bench floor of 2000 (the best scores 600)'],
    [{ minGpuCount: 1 }, "no worker passes the job's filters (e.g. job needs 1 GPU(s), the worker has 0)"]
  ])('explains %j', (over, reason) => {
    const offers = [offer(), offer({ price: 700, benchScore: 600 }, { version: '4.2.0' })]
    expect(noBidReasons(blenderJob(over), offers)).toEqual([reason])
  })

  it('lists every requirement nobody meets, not just the first', () => {
    expect(noBidReasons(blenderJob({ rendererVersion: '>=9', maxPrice: 100 }), [offer()])).toEqual([
      'no worker runs blender >=9 (workers run 3.4.1)',
      'every worker asks more than your price cap of 100 (the cheapest asks 800)'
    ])
  })

  it('says when each requirement is met by someone but nobody meets them all', () => {
    const cheapCpu = offer({ price: 100 })
    const dearGpu = offer({ price: 5000 }, { devices: ['CPU', 'GPU', 'CUDA'] })
    expect(noBidReasons(blenderJob({ device: 'GPU', maxPrice: 1000 }), [cheapCpu, dearGpu])).toEqual([
      'no single worker meets every requirement at once (renderer, device, price cap, bench floor, filters)'
    ])
  })

  it('matches versions as workers do: 3.4 is met by 3.4.1', () => {
    expect(noBidReasons(blenderJob({ rendererVersion: '3.4' }), [offer()])).toEqual(['1 worker(s) could serve this job but none has bid yet'])
  })
})

describe('noBidsOf', () => {
  const unbid = { ...newJob(), admitted: {}, createdMs: 1_000 }

  it('stays quiet during the grace period, after a bid, and for a finished job', () => {
    expect(noBidsOf(unbid, [], 1_000 + NO_BID_GRACE_MS - 1, 0)).toBeUndefined()
    expect(noBidsOf(newJob(), [], 1_000_000, 0)).toBeUndefined()
    expect(noBidsOf({ ...unbid, status: 'cancelled' }, [], 1_000_000, 0)).toBeUndefined()
  })

  it('counts the grace period from the creator start when that is later (offers heard before are gone)', () => {
    expect(noBidsOf(unbid, [], 50_000, 45_000)).toBeUndefined()
    expect(noBidsOf(unbid, [], 55_000, 45_000)).toHaveLength(1)
  })

  it('reaches the job view', () => {
    const now = 1_000 + NO_BID_GRACE_MS
    const builtinOnly = [offer({}, { name: 'builtin', version: '1' })]
    const view = viewOf({ ...unbid, spec: blenderJob() }, now, noBidsOf({ ...unbid, spec: blenderJob() }, builtinOnly, now, 0))
    expect(view.noBids).toEqual(['no worker runs renderer blender (workers run builtin)'])
  })
})
