// `pictor <command> [flags]`. Bad input prints one line and exits 2; an
// unexpected failure prints one line and exits 1 (PICTOR_DEBUG=1 adds the stack).
import { enableCompileCache } from 'node:module'
import { ApiError, UserError } from '../errors.ts'
import { type Command, UsageError } from './args.ts'

// Node keeps the compiled (and type-stripped) code of every module loaded from
// here on in its compile cache (a folder under the system temp folder, checked
// on read; NODE_DISABLE_COMPILE_CACHE=1 turns it off): loading `pictor start`'s
// modules took 0.35 s of CPU with it and 0.65 s without.
enableCompileCache()

// Each command's module loads only when it runs: `pictor start` does not pay
// for the ledger, Walrus, dashboard and render commands' code and packages
// (resident memory of an idle node; README "Performance").
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init.ts')).initCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  peers: async () => (await import('./commands/status.ts')).peersCommand,
  dashboard: async () => (await import('./commands/dashboard.ts')).dashboardCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  job: async () => (await import('./commands/job.ts')).jobCommand,
  render: async () => (await import('./commands/render.ts')).renderCommand,
  worker: async () => (await import('./commands/worker.ts')).workerCommand,
  wallet: async () => (await import('./commands/wallet.ts')).walletCommand,
  devchain: async () => (await import('./commands/devchain.ts')).devchainCommand,
  'walrus-dev': async () => (await import('./commands/walrus-dev.ts')).walrusDevCommand,
  ledger: async () => (await import('./commands/ledger.ts')).ledgerCommand
}

async function help(): Promise<string> {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length))
  const commands = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(width)}  ${(await load()).summary}`))
  return [
    'pictor: a peer-to-peer render network node',
    '',
    'usage: pictor <command> [flags]    (pictor <command> --help for its flags)',
    '',
    'commands:',
    ...commands,
    '',
    'environment: PICTOR_DATA_DIR (default ~/.pictor), PICTOR_LOG, PICTOR_<SETTING> for any start setting'
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help())
    return 0
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (load === undefined) throw new UsageError(`unknown command "${name}" (see pictor --help)`)
  const command = await load()
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\nusage: ${command.usage}`)
    return 0
  }
  return command.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    // A request the node refused (unknown job, bad spec) is bad input too.
    if (err instanceof UserError || (err instanceof ApiError && err.status < 500)) {
      process.stderr.write(`pictor: ${err.message}\n`)
      process.exitCode = 2
    } else {
      process.stderr.write(`pictor: internal error: ${(err as Error)?.message ?? String(err)}\n`)
      if (process.env.PICTOR_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`)
      process.exitCode = 1
    }
  }
)
