// Runs one Blender process in a process group of its own, so a stop kills
// everything it started (kill -PGID) and no Blender survives a task. The
// group is killed on abort, on the wall-clock stop time, after a normal exit
// (stragglers), and when the node process exits.
import { execa } from 'execa'
import { LineSplitter } from './progress.ts'

export interface RunOptions {
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string
  timeoutMs: number
  signal?: AbortSignal
  onLine(line: string): void
  /** Called with the group id while it runs, and with undefined when it is gone. */
  track?(pgid: number, alive: boolean): void
}

export interface RunResult {
  exitCode: number | undefined
  /** The signal that ended Blender, e.g. SIGKILL (our stop), SIGXCPU (CPU cap), SIGSEGV (a crash). */
  signal: string | undefined
  timedOut: boolean
  aborted: boolean
  /** Set when Blender (or prlimit) could not be started at all. */
  spawnError?: string
  ms: number
}

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // ESRCH: the group is already gone.
  }
}

export async function runBlender(o: RunOptions): Promise<RunResult> {
  const started = performance.now()
  o.signal?.throwIfAborted()
  const child = execa(o.command, o.args, {
    env: o.env,
    extendEnv: false,
    cwd: o.cwd,
    // setsid(): Blender leads a new process group that we can kill whole.
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: false
  })
  const pgid = child.pid
  let timedOut = false
  let aborted = false
  const stop = () => {
    if (pgid !== undefined) killGroup(pgid)
  }
  const onAbort = () => {
    aborted = true
    stop()
  }
  const timer = setTimeout(() => {
    timedOut = true
    stop()
  }, o.timeoutMs)
  o.signal?.addEventListener('abort', onAbort, { once: true })
  if (pgid !== undefined) o.track?.(pgid, true)
  const out = new LineSplitter(o.onLine)
  const err = new LineSplitter(o.onLine)
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk))
  try {
    const result = await child
    out.end()
    err.end()
    const run: RunResult = { exitCode: result.exitCode, signal: result.signal, timedOut, aborted, ms: performance.now() - started }
    if (result.exitCode === undefined && result.signal === undefined) run.spawnError = result.shortMessage
    return run
  } finally {
    clearTimeout(timer)
    o.signal?.removeEventListener('abort', onAbort)
    // Anything left in the group (Blender itself is gone by now) goes too.
    stop()
    if (pgid !== undefined) o.track?.(pgid, false)
  }
}
