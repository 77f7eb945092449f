// Which services each role runs on top of the shared node.
import type { NodeService, ServiceFactory } from '../node.ts'
import { type CheckerDeps, createCheckerServices } from './checker/index.ts'
import { type CreatorInit, createCreatorServices } from './creator/index.ts'
import { ledgerAccount } from './ledger-account.ts'
import { createWorkerServices, type WorkerDeps } from './worker/index.ts'

/** What a caller may inject per role (tests, the testnet's research hooks); production passes nothing. */
export interface RoleDeps {
  creator?: CreatorInit
  worker?: WorkerDeps
  checker?: CheckerDeps
}

export function roleServicesWith(deps: RoleDeps = {}): ServiceFactory {
  return (ctx) => {
    const services: NodeService[] = [ledgerAccount(ctx)]
    switch (ctx.config.role) {
      case 'creator':
        services.push(...createCreatorServices(ctx, { leaseMs: ctx.config.leaseMs, verificationLevel: ctx.config.verification, ...deps.creator }))
        break
      case 'worker':
        services.push(...createWorkerServices(ctx, deps.worker))
        break
      case 'checker':
        services.push(...createCheckerServices(ctx, deps.checker))
        break
    }
    return services
  }
}

export const roleServices: ServiceFactory = roleServicesWith()
