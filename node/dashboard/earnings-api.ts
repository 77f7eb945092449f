// GET /api/earnings: what the ledger paid this node (ledger/earnings.ts),
// for the "This node" page and for the farm page of another node that
// lists this one. A node without a ledger answers { ledger: false } with the
// reason, so a page can say so instead of showing a zero.
import { HttpError, type ApiServer } from '../api/server.ts'
import { EarningsBook, type EarningsReport } from '../ledger/earnings.ts'
import type { Ledger } from '../ledger/index.ts'

export interface NoLedgerEarnings {
  ledger: false
  reason: string
}

export type EarningsAnswer = EarningsReport | NoLedgerEarnings

export interface EarningsApiDeps {
  api: Pick<ApiServer, 'route'>
  ledger?: Pick<Ledger, 'events' | 'address'>
  startedAt: number
  now(): number
}

export function registerEarningsApi(deps: EarningsApiDeps): void {
  const { ledger } = deps
  const book = ledger === undefined ? undefined : new EarningsBook({ ledger, address: ledger.address, startedAt: deps.startedAt, now: deps.now })
  deps.api.route('GET', '/api/earnings', async (): Promise<EarningsAnswer> => {
    if (book === undefined) return { ledger: false, reason: 'this node runs without a ledger (--ledger): nothing pays it' }
    try {
      return await book.report()
    } catch (err) {
      throw new HttpError(503, `the ledger is not answering: ${oneLine((err as Error).message)}`)
    }
  })
}

function oneLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200)
}
