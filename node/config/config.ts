// Node configuration: defaults <- config file <- PICTOR_* env <- flags.
// Every value is validated with explicit limits; a bad one is a ConfigError
// naming its source, printed as one line by the CLI. Research-only switches
// (cheating workers, colluding checkers) are no settings here: only the
// testnet's own entry, testnet/adversarial-node.ts, injects them.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LIMITS } from '../../protocol/index.ts'
import { ConfigError } from '../errors.ts'
import { type LedgerConfig, type LedgerSetting, SUI_NETWORKS } from '../ledger/index.ts'

export const ROLES = ['creator', 'worker', 'checker'] as const
export type Role = (typeof ROLES)[number]

/** The ledger settings (`ledger`, `sui…`) are LedgerConfig's (node/ledger/factory.ts). */
export interface NodeConfig extends LedgerConfig {
  role: Role
  /** Multiaddrs to listen on. */
  listen: string[]
  /** Bootstrap peers, each ending in /p2p/<peer id>. */
  bootstrap: string[]
  /** Port of the local HTTP API on 127.0.0.1; 0 picks a free one (written to api.json). */
  apiPort: number
  /** Loopback swarm: relax per-IP limits and gossip IP-colocation scoring. Never on a public node. */
  localTestnet: boolean
  logLevel: 'error' | 'warn' | 'info' | 'debug'
  /** Worker: concurrent tasks (a render farm has many). */
  slots: number
  /** Worker: asking price, micro-PIC per reference frame (protocol/pricing.ts). */
  price: number
  region: string
  renderer: 'builtin' | 'blender'
  /** Worker: render threads per slot (0 = cores - 1). */
  threads: number
  /** Creator: how long a lease lasts without a renewal. */
  leaseMs: number
  /** Creator: how much of each result checkers re-render (protocol/verification/levels.ts). */
  verification: 'light' | 'standard' | 'strict' | 'full'
  /** Where blobs live besides this node and its peers: p2p (nowhere else) or walrus. */
  blobs: 'p2p' | 'walrus'
  walrusPublisher: string
  walrusAggregator: string
  /** Epochs a published blob is stored for. */
  walrusEpochs: number
  /** Shards of the Walrus network; blob ids depend on it (1000 on Walrus testnet and mainnet). */
  walrusShards: number
  /** Largest request body the publisher takes; bigger objects go up in parts. */
  walrusPartMib: number
  /** Checker without a ledger: the creators (peer ids) it checks for; nobody else gets any work done. */
  checkFor: string[]
}

export const DEFAULT_CONFIG: NodeConfig = {
  role: 'worker',
  listen: ['/ip4/0.0.0.0/tcp/4101'],
  bootstrap: [],
  apiPort: 0,
  localTestnet: false,
  logLevel: 'info',
  slots: 1,
  price: 1000,
  region: 'unknown',
  renderer: 'builtin',
  threads: 0,
  leaseMs: 15_000,
  ledger: { kind: 'none' },
  suiUrl: '',
  // Gas is free there: the network to try a package on before mainnet.
  suiNetwork: 'testnet',
  suiPackage: '',
  suiRegistry: '',
  suiCoinType: '0x2::sui::SUI',
  verification: 'standard',
  blobs: 'p2p',
  walrusPublisher: '',
  walrusAggregator: '',
  walrusEpochs: 5,
  walrusShards: 1000,
  walrusPartMib: 10,
  checkFor: []
}

type Key = keyof NodeConfig
type Parser = (value: unknown, source: string) => unknown

const fail = (source: string, message: string): never => {
  throw new ConfigError(`${source}: ${message}`)
}

function integer(min: number, max: number): Parser {
  return (value, source) => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) fail(source, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
    return n
  }
}

function oneOf<T extends string>(choices: readonly T[]): Parser {
  return (value, source) => {
    if (typeof value !== 'string' || !choices.includes(value as T)) fail(source, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`)
    return value
  }
}

function boolean(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  return fail(source, `must be true or false, got ${JSON.stringify(value)}`)
}

function multiaddrList(requirePeerId: boolean): Parser {
  return (value, source) => {
    const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value
    if (!Array.isArray(list) || list.length > 64) fail(source, 'must be a list of at most 64 multiaddrs')
    for (const item of list as unknown[]) {
      if (typeof item !== 'string') fail(source, 'must be a list of multiaddr strings')
      try {
        const ma = multiaddr(item as string)
        if (requirePeerId && ma.getComponents().find((c) => c.name === 'p2p') === undefined) fail(source, `${item} must end in /p2p/<peer id>`)
      } catch (err) {
        if (err instanceof ConfigError) throw err
        fail(source, `${JSON.stringify(item)} is not a valid multiaddr`)
      }
    }
    return list
  }
}

/** Ed25519 peer ids (12D3Koo…), at most 64, as a list or comma-separated. */
function peerIdList(value: unknown, source: string): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value
  if (!Array.isArray(list) || list.length > 64) fail(source, 'must be a list of at most 64 peer ids')
  for (const item of list as unknown[]) {
    if (!isEd25519PeerId(item)) fail(source, `${JSON.stringify(item)} is not an Ed25519 peer id (12D3KooW…)`)
  }
  return list as string[]
}

function isEd25519PeerId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false
  try {
    return peerIdFromString(value).type === 'Ed25519'
  } catch {
    return false
  }
}

const DEV_LEDGER_URL = /^https?:\/\/[\w.-]+(:\d{1,5})?\/?$/

/** `dev:<url>` of a `pictor devchain` (a bare http URL too, as earlier versions took), `sui`, or '' for none. */
function ledgerSetting(value: unknown, source: string): LedgerSetting {
  if (value === '') return { kind: 'none' }
  if (value === 'sui') return { kind: 'sui' }
  const url = typeof value === 'string' && value.startsWith('dev:') ? value.slice('dev:'.length) : value
  if (typeof url !== 'string' || !DEV_LEDGER_URL.test(url)) {
    fail(source, `must be dev:<url> of a pictor devchain (e.g. dev:http://127.0.0.1:8547), sui, or '' for none, got ${JSON.stringify(value)}`)
  }
  return { kind: 'dev', url: url as string }
}

const HTTP_URL = /^https?:\/\/[\w.-]+(:\d{1,5})?(\/[\w./-]*)?$/

/**
 * An http(s) URL (a host, an optional port and path) of at most 256
 * characters, or '' when unset; `unset` says what '' means, `trimSlash` drops
 * trailing slashes (for endpoints that get `/v1/...` appended).
 */
function httpUrl(options: { unset?: string; trimSlash?: boolean } = {}): Parser {
  return (value, source) => {
    if (value === '') return ''
    if (typeof value !== 'string' || value.length > 256 || !HTTP_URL.test(value)) {
      fail(source, `must be an http(s) URL of at most 256 characters${options.unset === undefined ? '' : `, or '' for ${options.unset}`}, got ${JSON.stringify(value)}`)
    }
    return options.trimSlash ? (value as string).replace(/\/+$/, '') : value
  }
}

/** A Sui object id in full (0x + 64 hex), lowercased; '' when unset. A shorter id is a copy-paste slip, not a shared object. */
function objectId(what: string): Parser {
  return (value, source) => {
    if (value === '') return ''
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) fail(source, `must be ${what}: 0x and 64 hex characters, got ${JSON.stringify(value)}`)
    return (value as string).toLowerCase()
  }
}

function coinType(value: unknown, source: string): string {
  const ident = '[A-Za-z_][A-Za-z0-9_]*'
  const tag = new RegExp(`^0x[0-9a-fA-F]{1,64}::${ident}::${ident}(<[\\w:<>, ]+>)?$`)
  if (typeof value !== 'string' || value.length > 256 || !tag.test(value)) fail(source, `must be a Move coin type like 0x2::sui::SUI, got ${JSON.stringify(value)}`)
  return value as string
}

function shortString(value: unknown, source: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !/^[\w.-]+$/.test(value)) fail(source, 'must be 1-64 characters of letters, digits, ".", "_" or "-"')
  return value as string
}

const PARSERS: Record<Key, Parser> = {
  role: oneOf(ROLES),
  listen: multiaddrList(false),
  bootstrap: multiaddrList(true),
  apiPort: integer(0, 65535),
  localTestnet: boolean,
  logLevel: oneOf(['error', 'warn', 'info', 'debug'] as const),
  slots: integer(1, 1024),
  price: integer(0, 1_000_000_000_000),
  region: shortString,
  renderer: oneOf(['builtin', 'blender'] as const),
  threads: integer(0, 256),
  leaseMs: integer(LIMITS.minLeaseMs, LIMITS.maxLeaseMs),
  ledger: ledgerSetting,
  suiUrl: httpUrl({ unset: "the network's public full node" }),
  suiNetwork: oneOf(SUI_NETWORKS),
  suiPackage: objectId('the package id'),
  suiRegistry: objectId("the registry's object id"),
  suiCoinType: coinType,
  verification: oneOf(['light', 'standard', 'strict', 'full'] as const),
  blobs: oneOf(['p2p', 'walrus'] as const),
  walrusPublisher: httpUrl({ trimSlash: true }),
  walrusAggregator: httpUrl({ trimSlash: true }),
  walrusEpochs: integer(1, 200),
  // MIN_SHARDS and MAX_SHARDS of blobs/walrus/blob-id.ts (not imported: the Walrus code loads only when used).
  walrusShards: integer(4, 4096),
  walrusPartMib: integer(1, LIMITS.maxWalrusBlobBytes / (1024 * 1024)),
  checkFor: peerIdList
}

const ENV_NAMES: Record<Key, string> = {
  role: 'PICTOR_ROLE',
  listen: 'PICTOR_LISTEN',
  bootstrap: 'PICTOR_BOOTSTRAP',
  apiPort: 'PICTOR_API_PORT',
  localTestnet: 'PICTOR_LOCAL_TESTNET',
  logLevel: 'PICTOR_LOG',
  slots: 'PICTOR_SLOTS',
  price: 'PICTOR_PRICE',
  region: 'PICTOR_REGION',
  renderer: 'PICTOR_RENDERER',
  threads: 'PICTOR_THREADS',
  leaseMs: 'PICTOR_LEASE_MS',
  ledger: 'PICTOR_LEDGER',
  suiUrl: 'PICTOR_SUI_URL',
  suiNetwork: 'PICTOR_SUI_NETWORK',
  suiPackage: 'PICTOR_SUI_PACKAGE',
  suiRegistry: 'PICTOR_SUI_REGISTRY',
  suiCoinType: 'PICTOR_SUI_COIN_TYPE',
  verification: 'PICTOR_VERIFICATION',
  blobs: 'PICTOR_BLOBS',
  walrusPublisher: 'PICTOR_WALRUS_PUBLISHER',
  walrusAggregator: 'PICTOR_WALRUS_AGGREGATOR',
  walrusEpochs: 'PICTOR_WALRUS_EPOCHS',
  walrusShards: 'PICTOR_WALRUS_SHARDS',
  walrusPartMib: 'PICTOR_WALRUS_PART_MIB',
  checkFor: 'PICTOR_CHECK_FOR'
}

export const CONFIG_KEYS = Object.keys(PARSERS) as Key[]

/** Flag name for a config key: apiPort -> --api-port. */
export function flagName(key: Key): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

export interface ConfigSources {
  file?: { path: string; data: unknown }
  env?: Record<string, string | undefined>
  flags?: Partial<Record<Key, unknown>>
}

export function resolveConfig(sources: ConfigSources): NodeConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG }
  if (sources.file !== undefined) {
    const { path, data } = sources.file
    if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(path, 'must be a JSON object')
    for (const [key, value] of Object.entries(data as object)) {
      if (!(key in PARSERS)) fail(path, `unknown setting "${key}"`)
      config[key] = PARSERS[key as Key](value, `${path}: ${key}`)
    }
  }
  for (const key of CONFIG_KEYS) {
    const value = sources.env?.[ENV_NAMES[key]]
    if (value !== undefined && value !== '') config[key] = PARSERS[key](value, ENV_NAMES[key])
  }
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value !== undefined) config[key] = PARSERS[key as Key](value, `--${flagName(key as Key)}`)
  }
  if (config.blobs === 'walrus' && (config.walrusPublisher === '' || config.walrusAggregator === '')) {
    fail('--blobs walrus', 'needs --walrus-publisher URL and --walrus-aggregator URL (a local `pictor walrus-dev` serves both)')
  }
  return config as unknown as NodeConfig
}
