// `node testnet/adversarial-node.ts [--cheat STRATEGY] [--checker-colludes | --checker-rejects] [--partitionable] <pictor start flags>`
// A testnet node with research hooks: `pictor start`'s own code path
// (runStart in node/cli/commands/start.ts) with the role services swapped
// for ones that inject a cheating worker's FrameTamper, or a checker that
// colludes (approves everything) or rejects everything, plus (any role) a
// partition control that lets the testnet cut it off from chosen peers
// (partition.ts). Production `pictor start` knows none of these flags; the
// testnet launcher spawns this entry for adversarial nodes only.
import { runStart } from '../node/cli/commands/start.ts'
import { UsageError } from '../node/cli/args.ts'
import { UserError } from '../node/errors.ts'
import type { ServiceFactory } from '../node/node.ts'
import { roleServicesWith } from '../node/roles/index.ts'
import { type AdversarialFlags, parseAdversarialFlags } from './adversarial-flags.ts'
import { createCheat } from './cheat.ts'
import { PartitionControl } from './partition.ts'

/** The production role services with the research hooks set; every other node is exactly the production one. */
export function adversarialServices(flags: AdversarialFlags): ServiceFactory {
  return async (ctx) => {
    const role = ctx.config.role
    if (flags.cheat !== undefined && role !== 'worker') throw new UsageError(`--cheat needs --role worker, not ${role}`)
    if (flags.colludes && role !== 'checker') throw new UsageError(`--checker-colludes needs --role checker, not ${role}`)
    if (flags.rejectsAll && role !== 'checker') throw new UsageError(`--checker-rejects needs --role checker, not ${role}`)
    if (flags.cheat !== undefined) ctx.logger.warn('adversarial node: cheating worker', { cheat: flags.cheat })
    const tamper = flags.cheat === undefined ? undefined : createCheat(flags.cheat)
    const services = await roleServicesWith({ worker: { tamper }, checker: { colludes: flags.colludes, rejectsAll: flags.rejectsAll } })(ctx)
    return flags.partitionable === true ? [new PartitionControl(ctx), ...services] : services
  }
}

async function main(argv: string[]): Promise<number> {
  const { flags, rest } = parseAdversarialFlags(argv)
  return runStart(rest, adversarialServices(flags))
}

// Exits explicitly: a node that failed half-way through starting still holds sockets open.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const bad = err instanceof UserError
    process.stderr.write(`adversarial-node: ${bad ? '' : 'internal error: '}${(err as Error)?.message ?? String(err)}\n`)
    process.exit(bad ? 2 : 1)
  }
)
