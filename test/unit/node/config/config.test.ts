import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../../node/errors.ts'
import { DEFAULT_CONFIG, resolveConfig } from '../../../../node/config/config.ts'

const PEER = '12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7'

describe('resolveConfig', () => {
  it('layers file <- env <- flags', () => {
    const config = resolveConfig({
      file: { path: 'c.json', data: { role: 'creator', slots: 2, price: 10 } },
      env: { PICTOR_SLOTS: '3', PICTOR_REGION: 'eu-west' },
      flags: { slots: '4' }
    })
    expect(config).toMatchObject({ role: 'creator', slots: 4, price: 10, region: 'eu-west', apiPort: DEFAULT_CONFIG.apiPort })
  })

  it('parses multiaddr lists and requires /p2p/ on bootstrap entries', () => {
    const config = resolveConfig({ flags: { bootstrap: `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`, listen: '/ip4/127.0.0.1/tcp/0,/ip4/127.0.0.1/tcp/5' } })
    expect(config.bootstrap).toHaveLength(1)
    expect(config.listen).toHaveLength(2)
    expect(() => resolveConfig({ flags: { bootstrap: '/ip4/127.0.0.1/tcp/1' } })).toThrow(/--bootstrap: .*\/p2p\//)
    expect(() => resolveConfig({ flags: { listen: 'not an address' } })).toThrow(/--listen/)
  })

  it('names the source of a bad value in one line', () => {
    expect(() => resolveConfig({ flags: { role: 'miner' } })).toThrow('--role: must be one of creator, worker, checker, got "miner"')
    expect(() => resolveConfig({ env: { PICTOR_SLOTS: '0' } })).toThrow('PICTOR_SLOTS: must be an integer from 1 to 1024, got "0"')
    expect(() => resolveConfig({ file: { path: 'c.json', data: { colour: 'red' } } })).toThrow('c.json: unknown setting "colour"')
    expect(() => resolveConfig({ file: { path: 'c.json', data: [] } })).toThrow('c.json: must be a JSON object')
    expect(() => resolveConfig({ flags: { apiPort: '70000' } })).toThrow(/--api-port/)
  })

  it('only ever throws ConfigError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('role', 'slots', 'price', 'listen', 'bootstrap', 'localTestnet', 'region', 'apiPort', 'other'), fc.jsonValue()), (data) => {
        try {
          resolveConfig({ file: { path: 'f', data } })
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError)
          expect((err as Error).message).not.toContain('\n')
        }
      })
    )
  })
})
