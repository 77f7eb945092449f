// `pictor wallet`: the node key's account on the ledger: balance, stake,
// reputation, earnings and history.
import { toWire } from '../../ledger/dev/wire.ts'
import { formatPic, walletSummary } from '../../ledger/wallet.ts'
import { ROLE_NAMES, type LedgerEvent } from '../../ledger/types.ts'
import { openDataDir } from '../../store/data-dir.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { commandLedger, LEDGER_FLAGS, LEDGER_USAGE } from '../ledger-settings.ts'
import { printTable } from '../table.ts'
import { DEFAULT_FUND_PIC, fundWallet } from './wallet-fund.ts'

const DEFAULT_HISTORY = 20

function describe(e: LedgerEvent): string {
  const pic = (v: bigint) => `${formatPic(v)} PIC`
  const task = 'taskIndex' in e ? ` task ${e.taskIndex}` : ''
  const job = 'jobId' in e ? `job ${e.jobId.slice(0, 12)}${task}` : ''
  switch (e.type) {
    case 'Minted':
      return `faucet ${pic(e.amount)}`
    case 'NodeRegistered':
      return `registered as ${ROLE_NAMES[e.role] ?? e.role} with stake ${pic(e.stake)}`
    case 'StakeAdded':
      return `stake +${pic(e.amount)} = ${pic(e.stake)}`
    case 'WithdrawRequested':
      return `withdrawal possible from ${new Date(e.withdrawAt).toISOString()}`
    case 'Withdrawn':
      return `withdrew ${pic(e.amount)}`
    case 'JobCreated':
      return `${job}: ${e.taskCount} tasks, ${e.frameCount} frames, escrow ${pic(e.escrow)}`
    case 'WorkerPaid':
    case 'CheckerPaid':
    case 'Refunded':
      return `${job}: ${pic(e.amount)}`
    case 'WorkerSlashed':
      return `${job}: ${pic(e.amount)} slashed from ${e.worker.slice(0, 10)} to the creator`
    case 'AppealOpened':
      return `${job}: appealed by ${e.appellant.slice(0, 10)} (fee ${pic(e.fee)}), checker ${e.checker.slice(0, 10)}`
    case 'AppealJudged':
      return `${job}: appeal ${e.overturned ? `overturned the verdict, ${pic(e.slashed)} slashed from ${e.verdictChecker.slice(0, 10)} to ${e.slashedTo.slice(0, 10)}` : 'upheld the verdict'}`
    case 'AppealCancelled':
      return `${job}: appeal cancelled, checker ${e.checker.slice(0, 10)} missed the deadline; fee ${pic(e.fee)} back to ${e.appellant.slice(0, 10)}`
    case 'TaskAssigned':
      return `${job}: ${e.frames} frames at ${pic(e.frameCost)} to ${e.worker.slice(0, 10)}`
    case 'CheckerAssigned':
      return `${job}: checker ${e.checker.slice(0, 10)}`
    case 'VerdictSubmitted':
      return `${job}: ${e.accepted ? 'accepted' : 'rejected'}`
    case 'TaskReclaimed':
      return `${job}: reclaimed from ${e.worker.slice(0, 10)} (no commitment by the deadline)`
    case 'CheckerTimedOut':
      return `${job}: checker ${e.checker.slice(0, 10)} missed the verdict deadline`
    case 'JobToppedUp':
      return `${job}: escrow +${pic(e.amount)} = ${pic(e.escrow)}`
    default:
      return job
  }
}

export const walletCommand: Command = {
  summary: "show the node's ledger account (balance, stake, reputation, earnings, history), or fund it from the dev ledger's faucet",
  usage: [
    `pictor wallet [--data-dir DIR] [--history N (default ${DEFAULT_HISTORY})] [--json] ${LEDGER_USAGE}`,
    `pictor wallet fund [--amount PIC (default ${DEFAULT_FUND_PIC})] [--address 0x…] [--data-dir DIR] [--ledger dev:URL]`,
    'the ledger: as `pictor start` reads it (flags, PICTOR_* variables, config file), else a local `pictor devchain`; `fund` is the dev ledger\'s faucet'
  ].join('\n       '),
  async run(argv) {
    if (argv[0] === 'fund') {
      const { values } = parseFlags(argv.slice(1), { ...LEDGER_FLAGS, amount: { type: 'string' }, address: { type: 'string' } })
      return fundWallet(values)
    }
    const { values } = parseFlags(argv, { ...LEDGER_FLAGS, json: { type: 'boolean' }, history: { type: 'string' } })
    const history = values.history === undefined ? DEFAULT_HISTORY : Number(values.history)
    if (!Number.isSafeInteger(history) || history < 0) throw new UsageError(`--history must be a whole number, got "${values.history}"`)
    const { seed } = await openDataDir(dataDirFlag(values))
    const ledger = await commandLedger(values, seed)
    const s = await walletSummary(ledger)
    if (values.json) {
      console.log(JSON.stringify(toWire({ ...s, history: s.history.slice(-history) }), null, 2))
      return 0
    }
    const pic = (v: bigint) => `${formatPic(v)} PIC`
    console.log(`address      ${s.address}`)
    console.log(`balance      ${pic(s.balance)}`)
    if (s.node === undefined) console.log('node         not registered')
    else {
      const leaving = s.node.withdrawAt === 0 ? '' : `, withdrawing from ${new Date(s.node.withdrawAt).toISOString()}`
      console.log(`role         ${ROLE_NAMES[s.node.role]}`)
      console.log(`stake        ${pic(s.node.stake)}${leaving}`)
      // The counters are a worker's record; creators and checkers have none.
      if (ROLE_NAMES[s.node.role] === 'worker') console.log(`reputation   ${s.node.verified} verified, ${s.node.rejected} rejected`)
    }
    console.log(`earned       ${pic(s.earnings.worker)} rendering, ${pic(s.earnings.checker)} checking, ${pic(s.earnings.slashShares)} from slashes`)
    if (s.slashed > 0n) console.log(`slashed      ${pic(s.slashed)}`)
    if (s.appealFees > 0n) console.log(`appeal fees  ${pic(s.appealFees)} paid`)
    if (s.escrowLocked > 0n) console.log(`jobs         ${pic(s.escrowLocked)} escrowed, ${pic(s.refunded)} refunded`)
    const shown = s.history.slice(-history)
    if (shown.length > 0) {
      console.log(`\nhistory (last ${shown.length} of ${s.history.length})`)
      printTable(
        ['seq', 'time', 'event', 'detail'],
        shown.map((e) => [String(e.seq), new Date(e.timestampMs).toISOString(), e.type, describe(e)])
      )
    }
    return 0
  }
}
