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

  it('takes the ledger as dev:<url>, a bare http URL (dev), sui or none, from flags, env or the file', () => {
    const url = 'http://127.0.0.1:8547'
    expect(resolveConfig({}).ledger).toEqual({ kind: 'none' })
    expect(resolveConfig({ flags: { ledger: `dev:${url}` } }).ledger).toEqual({ kind: 'dev', url })
    expect(resolveConfig({ env: { PICTOR_LEDGER: url } }).ledger).toEqual({ kind: 'dev', url })
    expect(resolveConfig({ file: { path: 'c.json', data: { ledger: 'sui' } } }).ledger).toEqual({ kind: 'sui' })
    expect(resolveConfig({ file: { path: 'c.json', data: { ledger: 'sui' } }, flags: { ledger: '' } }).ledger).toEqual({ kind: 'none' })
    expect(() => resolveConfig({ flags: { ledger: 'ftp://x' } })).toThrow(`--ledger: must be dev:<url> of a pictor devchain (e.g. dev:http://127.0.0.1:8547), sui, or '' for none, got "ftp://x"`)
    expect(() => resolveConfig({ env: { PICTOR_LEDGER: 'dev:' } })).toThrow(/^PICTOR_LEDGER: must be dev:<url>/)
    expect(() => resolveConfig({ file: { path: 'c.json', data: { ledger: { kind: 'sui' } } } })).toThrow(/^c.json: ledger: must be dev:<url>/)
  })

  it('layers the Sui settings like every other, and checks each', () => {
    const pkg = `0x${'ab'.repeat(32)}`
    const registry = `0x${'CD'.repeat(32)}`
    const config = resolveConfig({
      file: { path: 'c.json', data: { suiNetwork: 'mainnet', suiPackage: `0x${'00'.repeat(32)}`, suiCoinType: '0x2::sui::SUI' } },
      env: { PICTOR_SUI_PACKAGE: pkg, PICTOR_SUI_REGISTRY: registry, PICTOR_SUI_NETWORK: 'devnet' },
      flags: { suiNetwork: 'localnet', suiUrl: 'http://127.0.0.1:9000' }
    })
    expect(config).toMatchObject({ suiNetwork: 'localnet', suiUrl: 'http://127.0.0.1:9000', suiPackage: pkg, suiRegistry: registry.toLowerCase(), suiCoinType: '0x2::sui::SUI' })
    expect(DEFAULT_CONFIG).toMatchObject({ suiNetwork: 'testnet', suiUrl: '', suiPackage: '', suiRegistry: '', suiCoinType: '0x2::sui::SUI' })
    expect(() => resolveConfig({ flags: { suiPackage: '0x2' } })).toThrow('--sui-package: must be the package id: 0x and 64 hex characters, got "0x2"')
    expect(() => resolveConfig({ env: { PICTOR_SUI_REGISTRY: 'registry' } })).toThrow(/^PICTOR_SUI_REGISTRY: must be the registry's object id/)
    expect(() => resolveConfig({ flags: { suiNetwork: 'moonnet' } })).toThrow('--sui-network: must be one of mainnet, testnet, devnet, localnet, got "moonnet"')
    expect(() => resolveConfig({ file: { path: 'c.json', data: { suiCoinType: 'SUI' } } })).toThrow(/^c.json: suiCoinType: must be a Move coin type like 0x2::sui::SUI/)
    expect(() => resolveConfig({ env: { PICTOR_SUI_COIN_TYPE: '0x2::sui::SUI', PICTOR_SUI_URL: 'fullnode' } })).toThrow(/^PICTOR_SUI_URL: must be an http\(s\) URL/)
  })

  it('takes the blob backend and Walrus endpoints from every source, and refuses walrus without both endpoints', () => {
    expect(DEFAULT_CONFIG).toMatchObject({ blobs: 'p2p', walrusShards: 1000, walrusPartMib: 10 })
    const config = resolveConfig({
      file: { path: 'c.json', data: { blobs: 'walrus', walrusPublisher: 'https://publisher.example.com/' } },
      env: { PICTOR_WALRUS_AGGREGATOR: 'http://127.0.0.1:31415', PICTOR_WALRUS_SHARDS: '28' },
      flags: { walrusEpochs: '3' }
    })
    expect(config).toMatchObject({ blobs: 'walrus', walrusPublisher: 'https://publisher.example.com', walrusAggregator: 'http://127.0.0.1:31415', walrusShards: 28, walrusEpochs: 3 })
    expect(() => resolveConfig({ flags: { blobs: 'walrus', walrusPublisher: 'http://127.0.0.1:1' } })).toThrow('--blobs walrus: needs --walrus-publisher URL and --walrus-aggregator URL')
    expect(() => resolveConfig({ flags: { blobs: 'ipfs' } })).toThrow('--blobs: must be one of p2p, walrus, got "ipfs"')
    expect(() => resolveConfig({ flags: { walrusAggregator: 'file:///etc/passwd' } })).toThrow(/^--walrus-aggregator: must be an http\(s\) URL/)
    expect(() => resolveConfig({ flags: { walrusShards: '0' } })).toThrow('--walrus-shards: must be an integer from 4 to 4096, got "0"')
    // Walrus's encoder needs 4 shards at least (3f + 1): fewer fail here, not at the first publish.
    expect(() => resolveConfig({ flags: { walrusShards: '3' } })).toThrow('--walrus-shards: must be an integer from 4 to 4096, got "3"')
    expect(() => resolveConfig({ flags: { walrusPartMib: '65' } })).toThrow('--walrus-part-mib: must be an integer from 1 to 64, got "65"')
  })

  it("takes a checker's trusted creators as Ed25519 peer ids, and refuses anything else", () => {
    expect(DEFAULT_CONFIG.checkFor).toEqual([])
    expect(resolveConfig({ flags: { checkFor: `${PEER}, ${PEER}` } }).checkFor).toEqual([PEER, PEER])
    expect(resolveConfig({ file: { path: 'c.json', data: { checkFor: [PEER] } } }).checkFor).toEqual([PEER])
    expect(resolveConfig({ env: { PICTOR_CHECK_FOR: PEER } }).checkFor).toEqual([PEER])
    expect(() => resolveConfig({ flags: { checkFor: PEER.slice(0, -3) } })).toThrow(/^--check-for: ".*" is not an Ed25519 peer id/)
    expect(() => resolveConfig({ flags: { checkFor: 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N' } })).toThrow(/is not an Ed25519 peer id/)
    expect(() => resolveConfig({ file: { path: 'c.json', data: { checkFor: Array(65).fill(PEER) } } })).toThrow('c.json: checkFor: must be a list of at most 64 peer ids')
  })

  it('only ever throws ConfigError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('role', 'slots', 'price', 'listen', 'bootstrap', 'localTestnet', 'region', 'apiPort', 'ledger', 'suiPackage', 'suiCoinType', 'suiUrl', 'blobs', 'walrusPublisher', 'walrusShards', 'checkFor', 'other'), fc.jsonValue()), (data) => {
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
