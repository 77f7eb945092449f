// Two known node faults that would otherwise kill a benchmark process that
// runs many nodes: counted (so a fix shows up as 0) instead of crashing.
// Anything else still ends the process as an uncaught error would.
//
// - putFileAbort: LocalBlobStore.putFile (node/blobs/local-store.ts) makes
//   its read stream with an AbortSignal that may already be aborted (a lost
//   lease, a stopping worker); the stream's 'error' fires before anyone
//   listens, an uncaught exception.
// - dbClosed: CreatorService.stop() does not wait for verifications in
//   flight; one that ends later saves the job into a closed LevelDB, an
//   unhandled rejection.

export interface KnownFaults {
  counts: { putFileAbort: number; dbClosed: number }
  dispose(): void
}

function classify(err: unknown): keyof KnownFaults['counts'] | undefined {
  const e = err as { code?: unknown; stack?: unknown } | undefined
  const stack = typeof e?.stack === 'string' ? e.stack : ''
  if (e?.code === 'ABORT_ERR' && stack.includes('LocalBlobStore.putFile')) return 'putFileAbort'
  if (e?.code === 'LEVEL_DATABASE_NOT_OPEN') return 'dbClosed'
  return undefined
}

export function tolerateKnownFaults(): KnownFaults {
  const counts = { putFileAbort: 0, dbClosed: 0 }
  const onError = (err: unknown) => {
    const kind = classify(err)
    if (kind !== undefined) {
      counts[kind]++
      return
    }
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`)
    process.exit(1)
  }
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return {
    counts,
    dispose() {
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
    }
  }
}
