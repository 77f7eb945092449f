// createLedger: the ledger the settings name, and for Sui the setup checked
// through the adapter's reader (a fake transport here) before it is used.
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../../../node/config/config.ts'
import { ConfigError } from '../../../../node/errors.ts'
import { identityFromSeed } from '../../../../node/identity/keys.ts'
import { DevLedgerClient } from '../../../../node/ledger/dev/rpc-client.ts'
import { createLedger, type LedgerConfig, SUI_CHAIN_IDS } from '../../../../node/ledger/index.ts'
import { SuiLedger } from '../../../../node/ledger/sui/sui-ledger.ts'
import { ledgerPerTest } from './sui/fake-transport.ts'
import { COIN_TYPE, PACKAGE_ID, REGISTRY_ID } from './sui/offline.ts'

const SEED = new Uint8Array(32).fill(9)
const SUI: LedgerConfig = {
  ...DEFAULT_CONFIG,
  ledger: { kind: 'sui' },
  suiNetwork: 'localnet',
  suiPackage: PACKAGE_ID,
  suiRegistry: REGISTRY_ID,
  suiCoinType: COIN_TYPE
}
const OTHER_ID = `0x${'77'.repeat(32)}`

const f = ledgerPerTest()
const sui = (config: Partial<LedgerConfig> = {}) => createLedger({ ...SUI, ...config }, SEED, { suiTransport: f.transport })

/** The ConfigError createLedger throws, after checking it is one line and that nothing was sent. */
async function refusal(config: Partial<LedgerConfig>): Promise<string> {
  const error = await sui(config).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ConfigError)
  const { message } = error as ConfigError
  expect(message).not.toContain('\n')
  expect(f.transport.executed).toEqual([])
  return message
}

describe('createLedger', () => {
  it('builds no ledger for none, the dev ledger client for dev:<url>', async () => {
    expect(await createLedger(DEFAULT_CONFIG, SEED)).toBeUndefined()
    const dev = await createLedger({ ...DEFAULT_CONFIG, ledger: { kind: 'dev', url: 'http://127.0.0.1:8547' } }, SEED)
    expect(dev).toBeInstanceOf(DevLedgerClient)
    expect((dev as DevLedgerClient).url).toBe('http://127.0.0.1:8547')
    expect(dev!.address).toBe((await identityFromSeed(SEED)).suiAddress)
  })

  it('builds the Sui adapter for sui, signing with the node key, once the setup holds', async () => {
    const ledger = await sui()
    expect(ledger).toBeInstanceOf(SuiLedger)
    expect(ledger!.address).toBe((await identityFromSeed(SEED)).suiAddress)
    expect((ledger as SuiLedger).config).toMatchObject({ packageId: PACKAGE_ID, registryId: REGISTRY_ID, coinType: COIN_TYPE, network: 'localnet' })
  })

  it('refuses sui without a package or a registry, before any read', async () => {
    expect(await refusal({ suiPackage: '' })).toMatch(/^--ledger sui needs --sui-package \(/)
    expect(await refusal({ suiPackage: '', suiRegistry: '' })).toMatch(/needs --sui-package .* and --sui-registry/)
    expect(f.transport.fieldReads).toBe(0)
  })

  it('refuses an RPC it cannot reach, and one that serves another network', async () => {
    f.transport.chainIdentifier = new Error('fetch failed: ECONNREFUSED')
    expect(await refusal({ suiUrl: 'http://127.0.0.1:9' })).toBe('cannot reach the Sui localnet RPC at http://127.0.0.1:9 (--sui-url): fetch failed: ECONNREFUSED')
    f.transport.chainIdentifier = SUI_CHAIN_IDS.mainnet!
    expect(await refusal({ suiNetwork: 'testnet' })).toBe('https://fullnode.testnet.sui.io:443 serves Sui mainnet, not testnet: fix --sui-network or --sui-url')
    expect(await refusal({ suiNetwork: 'localnet' })).toMatch(/serves Sui mainnet, not localnet/)
    f.transport.chainIdentifier = 'an0therCha1n'
    expect(await refusal({ suiNetwork: 'mainnet' })).toMatch(/serves Sui chain an0therCha1n, not mainnet/)
    f.transport.chainIdentifier = SUI_CHAIN_IDS.testnet!
    expect(await sui({ suiNetwork: 'testnet' })).toBeInstanceOf(SuiLedger)
  })

  it('refuses a registry that is missing, not a registry, of another package or coin, or unreadable', async () => {
    expect(await refusal({ suiRegistry: OTHER_ID })).toBe(`--sui-registry ${OTHER_ID} does not exist on Sui localnet`)
    expect(await refusal({ suiPackage: OTHER_ID })).toBe(`--sui-registry ${REGISTRY_ID} belongs to package ${PACKAGE_ID}, not --sui-package ${OTHER_ID}`)
    expect(await refusal({ suiCoinType: `${OTHER_ID}::pic::PIC` })).toMatch(/holds 0x0+2::sui::SUI, not --sui-coin-type 0x7777/)
    f.transport.types.set(REGISTRY_ID, `${PACKAGE_ID}::job::Job<${COIN_TYPE}>`)
    expect(await refusal({})).toMatch(/^--sui-registry 0x0+5e1 is a 0x0+a11ce::job::Job<.*>, not a pictor Registry$/)
    f.transport.types.set(REGISTRY_ID, 'package')
    expect(await refusal({})).toMatch(/is a package, not a pictor Registry/)
    f.transport.types.delete(REGISTRY_ID)
    f.transport.objects.set(REGISTRY_ID, new Uint8Array(3))
    expect(await refusal({})).toMatch(/^--sui-registry 0x0+5e1 does not decode as this pictor's Registry/)
  })
})
