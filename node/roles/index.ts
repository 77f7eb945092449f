// Which services each role runs on top of the shared node.
import type { NodeService, ServiceFactory } from '../node.ts'
import { CreatorService } from './creator/creator-service.ts'
import { registerJobApi } from './creator/job-api.ts'
import { createCheckerServices } from './checker/index.ts'
import { createWorkerServices } from './worker/index.ts'
import { ledgerAccount } from './ledger-account.ts'

export const roleServices: ServiceFactory = async (ctx) => {
  const services: NodeService[] = [ledgerAccount(ctx)]
  switch (ctx.config.role) {
    case 'creator': {
      const creator = new CreatorService(ctx, { leaseMs: ctx.config.leaseMs, verificationLevel: ctx.config.verification })
      registerJobApi(ctx, creator)
      services.push(creator)
      break
    }
    case 'worker':
      services.push(...(await createWorkerServices(ctx)))
      break
    case 'checker':
      services.push(...createCheckerServices(ctx, { colludes: ctx.config.checkerColludes }))
      break
  }
  return services
}
