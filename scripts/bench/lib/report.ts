// A bench prints exactly one JSON line on stdout (the runner reads the last
// line that parses); progress goes to stderr.

export interface BenchResult {
  bench: string
  /** Present when the bench did not run; the reason in one line. */
  skipped?: string
  baseline?: Record<string, unknown>
  /**
   * The bars for this bench's figures: a figure's dotted path in the
   * result (`efficiency.w10`) -> `<= N` or `>= N`. The runner's summary
   * shows each figure beside its bar (lib/summary.ts).
   */
  goals?: Record<string, string>
  [figure: string]: unknown
}

export function emit(result: BenchResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

export function progress(bench: string, msg: string): void {
  process.stderr.write(`[${bench}] ${msg}\n`)
}

/** Runs a bench's main; a failure still yields one JSON line (and exit code 1). */
export async function runBench(bench: string, main: () => Promise<BenchResult>): Promise<void> {
  try {
    emit(await main())
  } catch (err) {
    emit({ bench, error: (err as Error)?.message ?? String(err) })
    process.exitCode = 1
  }
}
