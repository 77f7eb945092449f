// The adversarial node's own flags, which production `pictor start` does not
// know: `--cheat <strategy>` (a cheating worker, strategies in cheat.ts),
// `--checker-colludes` (a checker that approves everything) and
// `--checker-rejects` (a checker that rejects everything, honest work
// included) and `--partitionable` (a node the testnet can cut off from chosen
// peers, partition.ts). They are taken out of the argument list; the rest
// goes to `pictor start`'s parser as is.
import { UsageError } from '../node/cli/args.ts'
import { type CheatSpec, parseCheat } from './cheat.ts'

export interface AdversarialFlags {
  cheat?: CheatSpec
  colludes: boolean
  rejectsAll: boolean
  /** Set only when given, so the flags of every other adversarial node read as before. */
  partitionable?: true
}

const CHEAT = '--cheat'
const COLLUDES = '--checker-colludes'
const REJECTS = '--checker-rejects'
const PARTITIONABLE = '--partitionable'

/** Whether these node arguments ask for an adversarial node (the launcher then starts adversarial-node.ts). */
export function isAdversarial(args: readonly string[]): boolean {
  return args.some((a) => a === CHEAT || a.startsWith(`${CHEAT}=`) || a === COLLUDES || a === REJECTS || a === PARTITIONABLE)
}

/** Splits the adversarial flags off; a bad or missing strategy is a one-line UsageError. */
export function parseAdversarialFlags(argv: readonly string[]): { flags: AdversarialFlags; rest: string[] } {
  const flags: AdversarialFlags = { colludes: false, rejectsAll: false }
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === COLLUDES) {
      flags.colludes = true
    } else if (arg === REJECTS) {
      flags.rejectsAll = true
    } else if (arg === PARTITIONABLE) {
      flags.partitionable = true
    } else if (arg === CHEAT || arg.startsWith(`${CHEAT}=`)) {
      const value = arg === CHEAT ? argv[++i] : arg.slice(CHEAT.length + 1)
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${CHEAT} needs a strategy`)
      try {
        flags.cheat = parseCheat(value)
      } catch (err) {
        throw new UsageError(`${CHEAT}: ${(err as Error).message}`)
      }
    } else {
      rest.push(arg)
    }
  }
  if (flags.colludes && flags.rejectsAll) throw new UsageError(`${COLLUDES} and ${REJECTS} contradict each other: give one`)
  return { flags, rest }
}
