// Resident memory of one idle node process, 5 s after it is ready:
//   node      `pictor start --role worker --local-testnet`, ready when api.json appears
//             (a fresh data dir: its start-up benchmark runs, as on a first start)
//   bareHost  a process holding only createHost (the same libp2p services and
//             gossip topics, no roles/store/API/renderer): the goal is node <= 1.1x this
//   baseline  `node -e "setInterval(()=>{},1000)"`
// All three run with the V8 flags `pictor` runs with (NODE_V8_FLAGS), at once
// (RSS does not depend on CPU share), and are read from /proc/<pid>/status:
// VmRSS now, VmHWM the peak so far.
import { type ChildProcess, spawn } from 'node:child_process'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_V8_FLAGS } from '../../node/cli/v8-flags.ts'
import { sleep } from './lib/hosts.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'

const BENCH = 'idle-rss'
const NODE = process.execPath
const CLI = 'node/cli/main.ts'
const IDLE_MS = 5000
const READY_TIMEOUT_MS = 30_000

interface Memory {
  rssMiB: number
  peakMiB: number
}

interface Probe {
  child: ChildProcess
  /** Resolves when the process is ready to be measured; rejects with the reason it never was. */
  ready: Promise<void>
}

async function readMemory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    if (match === null) throw new Error(`${field} missing from /proc/${pid}/status`)
    return Number(match[1])
  }
  return { rssMiB: round(kib('VmRSS') / 1024, 1), peakMiB: round(kib('VmHWM') / 1024, 1) }
}

/** The line of a failed process's stderr that says why: the error, not the stack or the Node banner. */
function reasonFrom(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0)
  return lines.find((l) => /^(pictor:|[A-Za-z]*Error\b)/.test(l)) ?? lines.at(-1) ?? 'no output'
}

function launch(args: string[], isReady: (child: ChildProcess) => Promise<void>): Probe {
  const child = spawn(NODE, [...NODE_V8_FLAGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PICTOR_LOG: 'error' } })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000)
  })
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      reject(new Error(`exited early (${signal ?? code}): ${reasonFrom(stderr)}`))
    })
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)
  })
  const ready = Promise.race([isReady(child), exited, timeout]).finally(() => clearTimeout(timer))
  return { child, ready }
}

function stdoutLine(text: string): (child: ChildProcess) => Promise<void> {
  return (child) =>
    new Promise((resolve) => {
      let out = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes(text)) resolve()
      })
    })
}

function fileAppears(path: string): () => Promise<void> {
  return async () => {
    for (;;) {
      if (await access(path).then(() => true, () => false)) return
      await sleep(100)
    }
  }
}

/** Waits for `ready`, idles, reads memory; always terminates the child and waits for it to go. */
async function measure(probe: Probe): Promise<Memory> {
  try {
    await probe.ready
    await sleep(IDLE_MS)
    return await readMemory(probe.child.pid as number)
  } finally {
    await terminate(probe.child)
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await gone
  clearTimeout(timer)
}

async function initDataDir(dir: string): Promise<void> {
  const init = spawn(NODE, [CLI, 'init', '--data-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  init.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) => init.once('exit', resolve))
  if (code !== 0) throw new Error(`pictor init failed (${code}): ${reasonFrom(stderr)}`)
}

async function measureCliNode(dir: string): Promise<Memory> {
  await initDataDir(dir)
  const args = [CLI, 'start', '--role', 'worker', '--data-dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--local-testnet']
  return measure(launch(args, fileAppears(join(dir, 'api.json'))))
}

await runBench(BENCH, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-rss-'))
  try {
    progress(BENCH, `starting node, bare host and bare node; measuring ${IDLE_MS / 1000} s after each is ready`)
    const [node, bareHost, bare] = await Promise.allSettled([
      measureCliNode(dir),
      measure(launch(['scripts/bench/lib/idle-host-child.ts'], stdoutLine('ready'))),
      measure(launch(['-e', 'setInterval(()=>{},1000)'], async () => {}))
    ])
    if (bare.status === 'rejected') throw new Error(`baseline process failed: ${(bare.reason as Error).message}`)
    if (bareHost.status === 'rejected') throw new Error(`bare host failed: ${(bareHost.reason as Error).message}`)
    const over = (m: Memory) => round(m.rssMiB - bare.value.rssMiB, 1)
    return {
      bench: BENCH,
      params: { idleMs: IDLE_MS },
      node:
        node.status === 'fulfilled'
          ? { ...node.value, overBaselineMiB: over(node.value) }
          : { failed: `pictor start did not run: ${(node.reason as Error).message}` },
      bareHost: { ...bareHost.value, overBaselineMiB: over(bareHost.value) },
      /** The goal is <= 1.1. */
      nodeOverBareHost: node.status === 'fulfilled' ? round(node.value.rssMiB / bareHost.value.rssMiB, 2) : null,
      baseline: { bareNode: bare.value },
      goals: { nodeOverBareHost: '<= 1.1' }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
