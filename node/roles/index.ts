// Which services each role runs on top of the shared node.
import type { NodeService, ServiceFactory } from '../node.ts'
import { CreatorService } from './creator/creator-service.ts'
import { registerJobApi } from './creator/job-api.ts'
import { createWorkerServices } from './worker/index.ts'

export const roleServices: ServiceFactory = async (ctx) => {
  const services: NodeService[] = []
  switch (ctx.config.role) {
    case 'creator': {
      const creator = new CreatorService(ctx, { leaseMs: ctx.config.leaseMs })
      registerJobApi(ctx, creator)
      services.push(creator)
      break
    }
    case 'worker':
      services.push(...(await createWorkerServices(ctx)))
      break
    case 'checker':
      // Sampled re-rendering and attestations land with the verification work;
      // until then a checker is a full network peer (gossip, DHT, blobs).
      break
  }
  return services
}
