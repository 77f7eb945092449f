// Puts a node on the ledger when it starts: registered in its role, with the
// minimum stake for workers and checkers (creators stake nothing).
import { DEFAULT_LEDGER_PARAMS, ROLE } from '../ledger/types.ts'
import type { NodeContext, NodeService } from '../node.ts'

export function ledgerAccount(ctx: NodeContext): NodeService {
  return {
    async start() {
      const ledger = ctx.ledger
      if (ledger === undefined) return
      const role = ctx.config.role
      const known = await ledger.node(ledger.address)
      if (known !== undefined) return
      const stake = role === 'creator' ? 0n : DEFAULT_LEDGER_PARAMS.minStake
      try {
        await ledger.register(ROLE[role], stake)
        ctx.logger.info('registered on the ledger', { role, stake, address: ledger.address })
      } catch (err) {
        // Not fatal: the node still serves the network; ledger calls that need the registration will say why.
        ctx.logger.error('ledger registration failed', { role, err })
      }
    },
    stop() {}
  }
}
