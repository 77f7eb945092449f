// `pictor <command> [flags]`. Bad input prints one line and exits 2; an
// unexpected failure prints one line and exits 1 (PICTOR_DEBUG=1 adds the stack).
import { ApiError, UserError } from '../errors.ts'
import { type Command, UsageError } from './args.ts'
import { dashboardCommand } from './commands/dashboard.ts'
import { devchainCommand } from './commands/devchain.ts'
import { initCommand } from './commands/init.ts'
import { jobCommand } from './commands/job.ts'
import { keysCommand } from './commands/keys.ts'
import { ledgerCommand } from './commands/ledger.ts'
import { renderCommand } from './commands/render.ts'
import { startCommand } from './commands/start.ts'
import { peersCommand, statusCommand } from './commands/status.ts'
import { walletCommand } from './commands/wallet.ts'
import { walrusDevCommand } from './commands/walrus-dev.ts'
import { workerCommand } from './commands/worker.ts'

const COMMANDS: Record<string, Command> = {
  init: initCommand,
  start: startCommand,
  status: statusCommand,
  peers: peersCommand,
  dashboard: dashboardCommand,
  keys: keysCommand,
  job: jobCommand,
  render: renderCommand,
  worker: workerCommand,
  wallet: walletCommand,
  devchain: devchainCommand,
  'walrus-dev': walrusDevCommand,
  ledger: ledgerCommand
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length))
  return [
    'pictor: a peer-to-peer render network node',
    '',
    'usage: pictor <command> [flags]    (pictor <command> --help for its flags)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'environment: PICTOR_DATA_DIR (default ~/.pictor), PICTOR_LOG, PICTOR_<SETTING> for any start setting'
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return 0
  }
  const command = COMMANDS[name]
  if (command === undefined) throw new UsageError(`unknown command "${name}" (see pictor --help)`)
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
