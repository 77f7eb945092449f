import { readFile } from 'node:fs/promises'
import { CONFIG_KEYS, type NodeConfig, flagName, resolveConfig } from '../../config/config.ts'
import { ConfigError } from '../../errors.ts'
import { createLogger } from '../../log.ts'
import { PictorNode, type ServiceFactory } from '../../node.ts'
import { roleServices } from '../../roles/index.ts'
import { openDataDir } from '../../store/data-dir.ts'
import { untilShutdownSignal } from '../shutdown.ts'
import { type Command, dataDirFlag, parseFlags } from '../args.ts'

const BOOLEAN_KEYS = new Set<string>(['localTestnet'])
const CONFIG_FLAGS = Object.fromEntries(CONFIG_KEYS.map((key) => [flagName(key), { type: BOOLEAN_KEYS.has(key) ? 'boolean' : 'string' } as const]))

/** `--config FILE`, or the data dir's config.json when `required` is false and there is one. */
export async function readConfigFile(path: string, required: boolean): Promise<{ path: string; data: unknown } | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(`cannot read config file ${path}`, { cause: err })
  }
  if (text.length > 256 * 1024) throw new ConfigError(`${path}: config file over 256 KiB`)
  try {
    return { path, data: JSON.parse(text) }
  } catch {
    throw new ConfigError(`${path}: not valid JSON`)
  }
}

export const startCommand: Command = {
  summary: 'run a node (creator, worker or checker) until Ctrl-C',
  usage: `pictor start --role creator|worker|checker [--data-dir DIR] [--config FILE] [${CONFIG_KEYS.filter((k) => k !== 'role').map((k) => '--' + flagName(k)).join('] [')}]`,
  run: (argv) => runStart(argv)
}

/**
 * `pictor start`'s whole path: flags, config, node, shutdown. `services`
 * replaces the production role services; only the testnet's
 * adversarial-node.ts passes its own, to inject research hooks.
 */
export async function runStart(argv: string[], services: ServiceFactory = roleServices): Promise<number> {
  const { values } = parseFlags(argv, { config: { type: 'string' }, ...CONFIG_FLAGS })
  const dir = dataDirFlag(values)
  const dataDir = await openDataDir(dir)
  const file = typeof values.config === 'string' ? await readConfigFile(values.config, true) : await readConfigFile(dataDir.paths.config, false)
  const flags: Partial<Record<keyof NodeConfig, unknown>> = {}
  for (const key of CONFIG_KEYS) flags[key] = (values as Record<string, unknown>)[flagName(key)]
  const config = resolveConfig({ file, env: process.env, flags })
  const logger = createLogger(config.role, { level: config.logLevel })
  const node = new PictorNode({ dataDir, config, logger, services })
  await node.start()
  await untilShutdownSignal(logger)
  await node.stop()
  // Every service has stopped and the database is closed; retry timers of
  // abandoned ledger calls must not hold the process open.
  process.exit(0)
}
