// An attack scenario prints exactly one JSON line on stdout (the runner reads
// the last line that names a scenario); progress goes to stderr.
//   {"scenario": name, "pass": bool, "bar": "...", ...figures}
// `pass` says whether the scenario's bar (from issue 12) held; a scenario
// that could not run says why under `error` and does not pass.

export interface AttackResult {
  scenario: string
  pass: boolean
  /** The bar the scenario holds the node to, in one line. */
  bar: string
  /** Present when the scenario could not run to its end; the reason in one line. */
  error?: string
  /** Why the bar did not hold, one line per broken part (empty when it held). */
  failures?: string[]
  [figure: string]: unknown
}

/** What a scenario's main returns: its figures and the parts of the bar that broke. */
export interface ScenarioOutcome {
  failures: string[]
  [figure: string]: unknown
}

export function emit(result: AttackResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

export function progress(scenario: string, msg: string): void {
  process.stderr.write(`[${scenario}] ${msg}\n`)
}

/** Runs a scenario's main; a throw still yields one JSON line (pass false, exit code 1). */
export async function runScenario(scenario: string, bar: string, main: () => Promise<ScenarioOutcome>): Promise<void> {
  try {
    const outcome = await main()
    emit({ scenario, pass: outcome.failures.length === 0, bar, ...outcome })
    if (outcome.failures.length > 0) process.exitCode = 1
  } catch (err) {
    emit({ scenario, pass: false, bar, error: (err as Error)?.message ?? String(err) })
    process.exitCode = 1
  }
}

/** Adds `what` to `failures` unless `held`; returns `held`. */
export function expectBar(failures: string[], held: boolean, what: string): boolean {
  if (!held) failures.push(what)
  return held
}
