// `pictor walrus-dev`: a local Walrus publisher + aggregator (one URL serves
// both) that stores blobs in a folder, until Ctrl-C. What `pictor devchain`
// is to the ledger, this is to Walrus: nodes and tests use it instead of
// Walrus testnet.
import { MAX_SHARDS, MIN_SHARDS } from '../../blobs/walrus/blob-id.ts'
import { createLogger } from '../../log.ts'
import { defaultDataDir } from '../../store/data-dir.ts'
import { startWalrusDevServer } from '../../walrus-dev/index.ts'
import { type Command, parseFlags, UsageError } from '../args.ts'
import { untilShutdownSignal } from '../shutdown.ts'

/** A Walrus daemon's default port. */
export const DEFAULT_WALRUS_DEV_PORT = 31415
/**
 * Few shards keep blob ids fast to compute (~50 ms per MiB; Walrus testnet and
 * mainnet use 1000, ~1.5 s per blob); 28 is the fewest whose encoder takes the
 * node's default 10 MiB part.
 */
export const DEFAULT_WALRUS_DEV_SHARDS = 28
const MAX_BODY_MIB = 1024

export function defaultWalrusDevDir(): string {
  return process.env.PICTOR_WALRUS_DEV_DIR ?? `${defaultDataDir()}-walrus`
}

function wholeNumber(flag: string, value: unknown, min: number, max: number, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${String(value)}"`)
  return n
}

function host(value: unknown): string {
  if (value === undefined) return '127.0.0.1'
  if (typeof value !== 'string' || !/^[A-Za-z0-9.:-]{1,253}$/.test(value)) throw new UsageError(`--host must be a host name or IP address, got "${String(value)}"`)
  return value
}

export const walrusDevCommand: Command = {
  summary: 'run a local Walrus publisher + aggregator (HTTP) that stores blobs in a folder',
  usage: [
    `pictor walrus-dev [--port N (default ${DEFAULT_WALRUS_DEV_PORT}, 0 = any)] [--host H (default 127.0.0.1)] [--dir DIR (default ~/.pictor-walrus)]`,
    `  [--shards N (default ${DEFAULT_WALRUS_DEV_SHARDS})] [--max-body-mib M (default 10)] [--epoch-ms N (default: the epoch stays 1)]`,
    '',
    'One URL serves the publisher (PUT /v1/blobs) and the aggregator (GET /v1/blobs/<id>).',
    'Blob ids are real Walrus ids for N shards, and differ by shard count: Walrus testnet',
    `and mainnet use 1000 (about 1.5 s to compute per blob); the default ${DEFAULT_WALRUS_DEV_SHARDS} is fast and the fewest`,
    'that fit a 10 MiB blob (10 shards cap one at 1,834,952 bytes). Give nodes the same --walrus-shards. A folder keeps its shard count.',
    'Fault switches for tests: PUT /dev/faults {"publisher":{"status":503,"count":2}}.',
    'No authentication: keep --host on loopback.'
  ].join('\n'),
  async run(argv) {
    const { values } = parseFlags(argv, {
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      shards: { type: 'string' },
      'max-body-mib': { type: 'string' },
      'epoch-ms': { type: 'string' }
    })
    if (values.dir !== undefined && values['data-dir'] !== undefined) throw new UsageError('give --dir or --data-dir, not both')
    const dir = values.dir ?? values['data-dir'] ?? defaultWalrusDevDir()
    const shards = wholeNumber('shards', values.shards, MIN_SHARDS, MAX_SHARDS, DEFAULT_WALRUS_DEV_SHARDS)!
    const maxBodyMib = wholeNumber('max-body-mib', values['max-body-mib'], 1, MAX_BODY_MIB, 10)!
    const logger = createLogger('walrus-dev')
    const server = await startWalrusDevServer({
      dir,
      shards,
      host: host(values.host),
      port: wholeNumber('port', values.port, 0, 65535, DEFAULT_WALRUS_DEV_PORT),
      maxBodyBytes: maxBodyMib * 1024 * 1024,
      epochMs: wholeNumber('epoch-ms', values['epoch-ms'], 1, Number.MAX_SAFE_INTEGER, undefined),
      logger
    })
    console.log(`walrus-dev listening on ${server.url} (${shards} shards, epoch ${server.epoch}, data ${dir})`)
    // Every answered store is already on disk when the signal comes.
    await untilShutdownSignal(logger)
    await server.close()
    return 0
  }
}
