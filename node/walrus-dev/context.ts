// What the publisher and aggregator handlers share inside one walrus-dev server.
import type { Logger } from '../log.ts'
import type { WalrusFaults } from './faults.ts'
import type { WalrusDevStore } from './store.ts'

export interface WalrusDevContext {
  store: WalrusDevStore
  faults: WalrusFaults
  shards: number
  maxBodyBytes: number
  /** The current Walrus epoch. */
  epoch(): number
  logger: Logger
  /** Aborted when the server closes: injected delays end at once. */
  closing: AbortSignal
}

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}
