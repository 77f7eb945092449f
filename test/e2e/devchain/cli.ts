// Runs `devchain` or `wallet` as `pictor <command>` would, for the e2e tests
// until both are registered in node/cli/main.ts. Bad input: one line, exit 2.
import { devchainCommand } from '../../../node/cli/commands/devchain.ts'
import { walletCommand } from '../../../node/cli/commands/wallet.ts'
import { UserError } from '../../../node/errors.ts'

const [name, ...argv] = process.argv.slice(2)
const command = name === 'devchain' ? devchainCommand : name === 'wallet' ? walletCommand : undefined
if (command === undefined) {
  process.stderr.write(`pictor: unknown command "${name}"\n`)
  process.exitCode = 2
} else {
  command.run(argv).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`pictor: ${err instanceof UserError ? '' : 'internal error: '}${(err as Error).message}\n`)
      process.exitCode = err instanceof UserError ? 2 : 1
    }
  )
}
