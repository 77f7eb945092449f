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

function durationMs(flag: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new UsageError(`--${flag} must be a whole number of ms, got "${String(value)}"`)
  return Number(value)
}

function genesisParams(values: Record<string, unknown>): LedgerParams {
  return {
    minStake: amount('min-stake', values['min-stake'], DEFAULT_LEDGER_PARAMS.minStake),
    slashAmount: amount('slash-amount', values['slash-amount'], DEFAULT_LEDGER_PARAMS.slashAmount),
    withdrawDelayMs: durationMs('withdraw-delay-ms', values['withdraw-delay-ms'], DEFAULT_LEDGER_PARAMS.withdrawDelayMs),
    appealWindowMs: durationMs('appeal-window-ms', values['appeal-window-ms'], DEFAULT_LEDGER_PARAMS.appealWindowMs),
    commitTimeoutMs: durationMs('commit-timeout-ms', values['commit-timeout-ms'], DEFAULT_LEDGER_PARAMS.commitTimeoutMs),
    verdictTimeoutMs: durationMs('verdict-timeout-ms', values['verdict-timeout-ms'], DEFAULT_LEDGER_PARAMS.verdictTimeoutMs),
    tasksPerMinStake: DEFAULT_LEDGER_PARAMS.tasksPerMinStake,
    maxCheckers: DEFAULT_LEDGER_PARAMS.maxCheckers
  }
}

export const devchainCommand: Command = {
  summary: 'run a local dev ledger (JSON-RPC on 127.0.0.1) for nodes on this machine',
  usage: `pictor devchain [--port N (default ${DEFAULT_DEVCHAIN_PORT}, 0 = any)] [--data-dir DIR (default ~/.pictor-devchain)] [--min-stake U64] [--slash-amount U64] [--withdraw-delay-ms N] [--appeal-window-ms N (default 600000)] [--commit-timeout-ms N] [--verdict-timeout-ms N (default 3600000 each)]  (the ledger constants only when DIR has no chain yet)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' },
      'min-stake': { type: 'string' },
      'slash-amount': { type: 'string' },
      'withdraw-delay-ms': { type: 'string' },
      'appeal-window-ms': { type: 'string' },
      'commit-timeout-ms': { type: 'string' },
      'verdict-timeout-ms': { type: 'string' }
    })
    const dir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDevchainDir()
    const logger = createLogger('devchain')
    const service = new DevchainService({ dir, port: port(values.port), params: genesisParams(values), logger })
    await service.start()
    const info = service.chain.info()
    console.log(`devchain listening on ${service.url} (chain ${info.chainId.slice(0, 16)}, height ${info.height}, data ${dir}; faucet token in ${service.tokenPath})`)
    // Every committed transaction is already on disk when the signal comes.
    await untilShutdownSignal(logger)
    await service.stop()
    return 0
  }
}
