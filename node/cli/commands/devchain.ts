// `pictor devchain`: the embedded dev ledger as a local chain for other
// processes (what Anvil is to Ethereum), on 127.0.0.1, until Ctrl-C.
import { defaultDataDir } from '../../store/data-dir.ts'
import { createLogger } from '../../log.ts'
import { parseU64 } from '../../ledger/dev/calls.ts'
import { DevchainService } from '../../ledger/dev/devchain-service.ts'
import { LedgerError } from '../../ledger/errors.ts'
import { DEFAULT_LEDGER_PARAMS, type LedgerParams } from '../../ledger/types.ts'
import { untilShutdownSignal } from '../shutdown.ts'
import { type Command, parseFlags, UsageError } from '../args.ts'

export const DEFAULT_DEVCHAIN_PORT = 8547

/**
 * Not the node's data dir: a devchain folder created there first would make
 * `pictor init` refuse it as a foreign, non-empty folder.
 */
export function defaultDevchainDir(): string {
  return process.env.PICTOR_DEVCHAIN_DIR ?? `${defaultDataDir()}-devchain`
}

function port(value: unknown): number {
  if (value === undefined) return DEFAULT_DEVCHAIN_PORT
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n > 65535) throw new UsageError(`--port must be 0-65535, got "${String(value)}"`)
  return n
}

function amount(flag: string, value: unknown, fallback: bigint): bigint {
  if (value === undefined) return fallback
  try {
    return parseU64(value, flag)
  } catch (err) {
    if (err instanceof LedgerError) throw new UsageError(`--${flag} must be a u64 amount in micro-PIC, got "${String(value)}"`)
    throw err
  }
}

function genesisParams(values: Record<string, unknown>): LedgerParams {
  const delay = values['withdraw-delay-ms']
  if (delay !== undefined && (typeof delay !== 'string' || !/^\d{1,15}$/.test(delay))) throw new UsageError(`--withdraw-delay-ms must be a whole number of ms, got "${String(delay)}"`)
  return {
    minStake: amount('min-stake', values['min-stake'], DEFAULT_LEDGER_PARAMS.minStake),
    slashAmount: amount('slash-amount', values['slash-amount'], DEFAULT_LEDGER_PARAMS.slashAmount),
    withdrawDelayMs: delay === undefined ? DEFAULT_LEDGER_PARAMS.withdrawDelayMs : Number(delay)
  }
}

export const devchainCommand: Command = {
  summary: 'run a local dev ledger (JSON-RPC on 127.0.0.1) for nodes on this machine',
  usage: `pictor devchain [--port N (default ${DEFAULT_DEVCHAIN_PORT}, 0 = any)] [--data-dir DIR (default ~/.pictor-devchain)] [--min-stake U64] [--slash-amount U64] [--withdraw-delay-ms N]  (the last three only when DIR has no chain yet)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' },
      'min-stake': { type: 'string' },
      'slash-amount': { type: 'string' },
      'withdraw-delay-ms': { type: 'string' }
    })
    const dir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDevchainDir()
    const logger = createLogger('devchain')
    const service = new DevchainService({ dir, port: port(values.port), params: genesisParams(values), logger })
    await service.start()
    const info = service.chain.info()
    console.log(`devchain listening on ${service.url} (chain ${info.chainId.slice(0, 16)}, height ${info.height}, data ${dir})`)
    // Every committed transaction is already on disk when the signal comes.
    await untilShutdownSignal(logger)
    await service.stop()
    return 0
  }
}
