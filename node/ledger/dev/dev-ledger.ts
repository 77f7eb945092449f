// The dev ledger in-process: a SigningLedger straight onto a DevChain, no
// HTTP. For tests and for a process that runs its own chain. Transactions
// still travel as plain JSON objects and are verified exactly as the RPC
// server verifies them.
import type { LedgerEvent } from '../types.ts'
import type { DevChain } from './chain.ts'
import { type DevTransport, SigningLedger } from './signing-ledger.ts'

export function chainTransport(chain: DevChain): DevTransport {
  return {
    info: async () => chain.info(),
    nonce: async (address) => chain.nonce(address),
    // A structured clone, so nothing the caller keeps aliases chain state.
    submit: (tx) => chain.submit(structuredClone(tx)),
    // The chain applies submissions one at a time, in the order made.
    keepsOrder: true,
    faucet: (address, amount) => chain.faucet(address, amount),
    balance: async (address) => chain.balance(address),
    node: async (address) => chain.node(address),
    job: async (jobId) => chain.job(jobId),
    task: async (jobId, taskIndex) => chain.task(jobId, taskIndex),
    events: (fromSeq, limit): Promise<LedgerEvent[]> => chain.events(fromSeq, limit)
  }
}

export class DevLedger extends SigningLedger {
  constructor(chain: DevChain, seed: Uint8Array) {
    super({ transport: chainTransport(chain), seed, retryForMs: 0 })
  }
}
