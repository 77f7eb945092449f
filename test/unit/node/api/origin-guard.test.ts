// Only this machine, naming the API by a loopback address, gets past the
// guard: DNS-rebinding Hosts and foreign Origins are refused.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foreignRequest } from '../../../../node/api/origin-guard.ts'

const PORT = 41234

describe('foreignRequest', () => {
  it('lets loopback names of this port through, with or without a same-origin Origin', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      expect(foreignRequest({ host: `${host}:${PORT}` }, PORT)).toBeUndefined()
      expect(foreignRequest({ host: `${host}:${PORT}`, origin: `http://${host}:${PORT}`, 'sec-fetch-site': 'same-origin' }, PORT)).toBeUndefined()
    }
  })

  it('refuses a missing or foreign Host, another port, a foreign Origin and cross-site fetches', () => {
    expect(foreignRequest({}, PORT)).toBe('no Host header')
    expect(foreignRequest({ host: `evil.example:${PORT}` }, PORT)).toMatch(/^Host "evil.example:41234" is not this API/)
    expect(foreignRequest({ host: '127.0.0.1' }, PORT)).toMatch(/is not this API/)
    expect(foreignRequest({ host: `127.0.0.1:${PORT + 1}` }, PORT)).toMatch(/is not this API/)
    expect(foreignRequest({ host: `127.0.0.1:${PORT}`, origin: 'http://evil.example' }, PORT)).toMatch(/^Origin "http:\/\/evil.example" is not this API's own/)
    expect(foreignRequest({ host: `127.0.0.1:${PORT}`, origin: 'null' }, PORT)).toMatch(/^Origin/)
    expect(foreignRequest({ host: `127.0.0.1:${PORT}`, origin: `http://localhost:${PORT}` }, PORT)).toMatch(/^Origin/)
    expect(foreignRequest({ host: `127.0.0.1:${PORT}`, 'sec-fetch-site': 'cross-site' }, PORT)).toBe('a cross-site request')
  })

  it('refuses every Host that is not a loopback name with this port', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (host) => {
        const ok = ['127.0.0.1', 'localhost', '[::1]'].some((name) => host === `${name}:${PORT}`)
        expect(foreignRequest({ host }, PORT) === undefined).toBe(ok)
      }),
      { numRuns: 2000 }
    )
  })
})
