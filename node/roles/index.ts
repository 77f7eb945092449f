// Which services each role runs on top of the shared node.
import type { NodeService, ServiceFactory } from '../node.ts'
import type { CheckerDeps } from './checker/index.ts'
import type { CreatorInit } from './creator/index.ts'
import { ledgerAccount } from './ledger-account.ts'
import type { WorkerDeps } from './worker/index.ts'

/** What a caller may inject per role (tests, the testnet's research hooks); production passes nothing. */
export interface RoleDeps {
  creator?: CreatorInit
  worker?: WorkerDeps
  checker?: CheckerDeps
}

/** Only the node's own role is loaded: a worker does not hold the creator's and checker's code in memory. */
export function roleServicesWith(deps: RoleDeps = {}): ServiceFactory {
  return async (ctx) => {
    const services: NodeService[] = [ledgerAccount(ctx)]
    switch (ctx.config.role) {
      case 'creator': {
        const { createCreatorServices } = await import('./creator/index.ts')
        services.push(...createCreatorServices(ctx, { leaseMs: ctx.config.leaseMs, verificationLevel: ctx.config.verification, ...deps.creator }))
        break
      }
      case 'worker': {
        const { createWorkerServices } = await import('./worker/index.ts')
        services.push(...createWorkerServices(ctx, deps.worker))
        break
      }
      case 'checker': {
        const { createCheckerServices } = await import('./checker/index.ts')
        services.push(...createCheckerServices(ctx, deps.checker))
        break
      }
    }
    return services
  }
}

export const roleServices: ServiceFactory = roleServicesWith()
