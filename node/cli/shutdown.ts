import type { Logger } from '../log.ts'

/**
 * Resolves on the first SIGINT or SIGTERM; a second signal while the caller
 * shuts down exits at once (code 130).
 */
export async function untilShutdownSignal(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('shutting down', { signal })
      resolve()
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  const force = () => process.exit(130)
  process.once('SIGINT', force)
  process.once('SIGTERM', force)
}
