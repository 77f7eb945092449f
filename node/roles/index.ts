// Which services each role runs on top of the shared node.
import type { NodeService, ServiceFactory } from '../node.ts'

export const roleServices: ServiceFactory = (ctx) => {
  const services: NodeService[] = []
  ctx.logger.debug('role services', { role: ctx.config.role })
  return services
}
