// The explorer's routes: what this node saw of the network, live-watchable
// by the dashboard (events.ts re-reads them every second):
//   GET /api/explorer/jobs?limit=     jobs announced on gossip and created on the ledger
//   GET /api/explorer/workers?limit=  workers' latest offers and their reputation on the ledger
//   GET /api/explorer/ledger?limit=&job=  escrow locked, payments, slashes and refunds, newest first
// Every answer is bounded (limit, default DEFAULT_LIMIT, at most MAX_LIMIT)
// and carries `ledger`: null on a node without one, else how far the
// explorer has read it and why the last read failed, if it did.
import type { ApiServer } from '../../api/server.ts'
import { HttpError } from '../../api/server.ts'
import type { Ledger } from '../../ledger/index.ts'
import type { GossipSeen } from '../../net/gossip-seen.ts'
import { LedgerTail } from './ledger-tail.ts'
import { explorerJobs, explorerLedgerEvents, explorerWorkers, workerAddresses } from './views.ts'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 500
/** How long a route waits for the ledger before it answers with what it has (a read left running finishes for the next poll). */
export const LEDGER_WAIT_MS = 2_000

export interface ExplorerDeps {
  seen: GossipSeen
  ledger?: Pick<Ledger, 'events' | 'node'>
  now: () => number
  /** Default LEDGER_WAIT_MS. */
  ledgerWaitMs?: number
}

/** `?limit=`: an integer from 1 to MAX_LIMIT, DEFAULT_LIMIT when absent. */
export function parseLimit(text: string | null): number {
  if (text === null) return DEFAULT_LIMIT
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT) throw new HttpError(400, `limit must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(text.slice(0, 20))}`)
  return Number(text)
}

/** `?job=`: a job id (64 lowercase hex), or undefined when absent. */
export function parseJobFilter(text: string | null): string | undefined {
  if (text === null) return undefined
  if (!/^[0-9a-f]{64}$/.test(text)) throw new HttpError(400, `job must be a job id (64 lowercase hex characters), got ${JSON.stringify(text.slice(0, 20))}`)
  return text
}

/** Waits for `work`, but no longer than `ms`. */
async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

export function registerExplorer(api: ApiServer, deps: ExplorerDeps): void {
  const tail = deps.ledger === undefined ? undefined : new LedgerTail({ ledger: deps.ledger, now: deps.now })
  const wait = deps.ledgerWaitMs ?? LEDGER_WAIT_MS
  const ledgerNow = async () => {
    if (tail === undefined) return null
    await atMost(tail.refresh(), wait)
    return tail.status
  }

  api.route('GET', '/api/explorer/jobs', async ({ query }) => {
    const limit = parseLimit(query.get('limit'))
    const ledger = await ledgerNow()
    return { ledger, jobs: explorerJobs(deps.seen.jobs(limit), tail?.fold.jobs.newest(limit) ?? [], limit) }
  })

  api.route('GET', '/api/explorer/workers', async ({ query }) => {
    const limit = parseLimit(query.get('limit'))
    const seen = deps.seen.workers(limit)
    await ledgerNow()
    const addresses = workerAddresses(seen, tail?.fold, limit)
    if (tail !== undefined) await atMost(tail.refreshNodes(addresses), wait)
    const nodes = new Map(addresses.map((a) => [a, tail?.chainNode(a)]))
    return { ledger: tail === undefined ? null : tail.status, workers: explorerWorkers(addresses, seen, tail?.fold, nodes) }
  })

  api.route('GET', '/api/explorer/ledger', async ({ query }) => {
    const limit = parseLimit(query.get('limit'))
    const job = parseJobFilter(query.get('job'))
    const ledger = await ledgerNow()
    return { ledger, events: tail === undefined ? [] : explorerLedgerEvents(tail.fold, limit, job) }
  })
}
