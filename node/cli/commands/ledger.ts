import { jobPayouts, paidOut } from '../../ledger/job-payouts.ts'
import { type Command, parseFlags, UsageError } from '../args.ts'
import { commandLedger, LEDGER_FLAGS, LEDGER_USAGE } from '../ledger-settings.ts'
import { printTable } from '../table.ts'

export const ledgerCommand: Command = {
  summary: 'show a job on the ledger: escrow, pay per worker and checker, refund, slashes and appeals',
  usage: `pictor ledger job <id> [--json] ${LEDGER_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...LEDGER_FLAGS, json: { type: 'boolean' } }, 2)
    const [what, id] = positionals
    if (what !== 'job') throw new UsageError(`ledger needs "job <id>", got ${what === undefined ? 'nothing' : `"${what}"`}`)
    if (id === undefined || !/^[0-9a-f]{64}$/.test(id)) throw new UsageError('a job id is 64 hex characters')
    // Reads only: the key is never used to sign.
    const ledger = await commandLedger(values, new Uint8Array(32))
    const job = await ledger.job(id)
    if (job === undefined) throw new UsageError(`job ${id} is not on the ledger`)
    const p = await jobPayouts(ledger, id)
    if (values.json) {
      console.log(JSON.stringify({ job, payouts: p, paidOut: paidOut(p) }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v), 2))
      return 0
    }
    console.log(`job ${id}: ${job.status}, ${job.verifiedTasks}/${job.taskCount} tasks verified, escrow ${job.escrow} µPIC, reserved ${job.reserved}`)
    printTable(['account', 'for', 'µPIC'], [
      ...[...p.workers].map(([a, v]) => [a, 'worker pay', String(v)]),
      ...[...p.checkers].map(([a, v]) => [a, 'checker fees', String(v)]),
      [job.creator, 'refund', String(p.refunded)],
      // Beside the escrow: stake slashed for rejected results and overturned verdicts, and appeal fees.
      ...[...p.slashedWorkers].map(([a, v]) => [a, 'slashed (rejected)', String(v)]),
      ...(p.slashedToCreator > 0n ? [[job.creator, 'slashes received', String(p.slashedToCreator)]] : []),
      ...[...p.appealFees].map(([a, v]) => [a, 'appeal fees', String(v)]),
      ...[...p.slashedCheckers].map(([a, v]) => [a, 'slashed (overturned)', String(v)]),
      ...[...p.slashedToWorkers].map(([a, v]) => [a, 'slashes received', String(v)])
    ])
    console.log(`paid out ${paidOut(p)} of ${p.escrow} µPIC locked${p.closed ? ' (closed)' : ''}`)
    return 0
  }
}
