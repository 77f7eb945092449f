// One script in its own child process, for the suite runners (`npm run
// bench`, `npm run attack`): stderr passes through, stdout is scanned for the
// last JSON line that names the script under `key` ({"bench": ...},
// {"scenario": ...}), and the child is killed when it outlives its time limit
// or does not exit by itself soon after printing that line (a dangling
// handle). Whatever happens, the caller gets one result object.
import { spawn } from 'node:child_process'

export interface ChildRunSpec {
  /** The script to run with this Node. */
  file: string
  /** Kill the child after this long. */
  timeoutMs: number
  /** How long the child may take to exit after printing its result. */
  exitGraceMs: number
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Extra arguments after the file. */
  args?: string[]
}

export interface ChildRun<R> {
  /** The last JSON line the child printed that names it, if any. */
  result: R | undefined
  wallMs: number
  exitCode: number | null
  timedOut: boolean
  /** True when the child had to be killed after printing its result. */
  killedAfterResult: boolean
  /** The last line the child wrote to stderr: the likely reason when there is no result. */
  lastStderrLine: string
}

/** A JSON object whose `key` is a string, or undefined. */
export function parseResultLine<R>(line: string, key: string): R | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const value = JSON.parse(line) as unknown
    if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[key] === 'string') return value as R
  } catch {}
  return undefined
}

export function runChild<R>(spec: ChildRunSpec, key: string): Promise<ChildRun<R>> {
  const start = performance.now()
  // Its own process group, so a kill also takes the nodes it started (a testnet left running would skew the next script).
  const child = spawn(process.execPath, [spec.file, ...(spec.args ?? [])], { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env ?? process.env, detached: true })
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      child.kill('SIGKILL')
    }
  }
  let result: R | undefined
  let killedAfterResult = false
  let timedOut = false
  let buffered = ''
  let stderrTail = ''
  let grace: ReturnType<typeof setTimeout> | undefined
  const take = (line: string) => {
    const parsed = parseResultLine<R>(line.trim(), key)
    if (parsed === undefined) return
    result = parsed
    grace ??= setTimeout(() => {
      killedAfterResult = true
      killGroup()
    }, spec.exitGraceMs)
  }
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) take(line)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    stderrTail = (stderrTail + chunk.toString()).slice(-500)
  })
  const limit = setTimeout(() => {
    timedOut = true
    killGroup()
  }, spec.timeoutMs)
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(limit)
      clearTimeout(grace)
      take(buffered)
      resolve({
        result,
        wallMs: Math.round(performance.now() - start),
        exitCode: code,
        timedOut,
        killedAfterResult,
        lastStderrLine: stderrTail.trim().split('\n').at(-1) ?? ''
      })
    })
  })
}
