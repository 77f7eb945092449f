// `pictor job watch` (and `submit --watch`): a progress line until the job
// ends, then the ledger's settlement; exit 0 only when both agree it is done.
import type { ApiClient } from '../api/client.ts'
import { progressLine, settlementLine, waitForJob, waitForSettlement } from './job-client.ts'
import { deadlineLine, stoppedAtDeadline } from './job-timing.ts'

export async function watchJob(client: ApiClient, id: string): Promise<number> {
  const tty = process.stdout.isTTY
  let last = ''
  const final = await waitForJob(client, id, (view) => {
    const line = progressLine(view)
    if (line === last) return
    last = line
    // ESC[K clears what a longer previous line left (the no-bids note goes once bids come).
    process.stdout.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
  })
  if (tty) process.stdout.write('\n')
  console.log(stoppedAtDeadline(final) ? `job ${final.status}, deadline ${deadlineLine(final)}` : `job ${final.status}`)
  if (final.status !== 'completed') return 1
  // Done for the creator only when the ledger agrees: its workers are paid there.
  let said = ''
  const settled = await waitForSettlement(client, id, (view) => {
    const line = settlementLine(view)?.line ?? ''
    if (line !== said && line !== '') console.log(`ledger ${line}`)
    said = line
  })
  return (settlementLine(settled)?.state ?? 'settled') === 'settled' ? 0 : 1
}
