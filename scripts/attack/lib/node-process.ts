// One real `pictor start` process on 127.0.0.1 with its own fresh data dir,
// for a scenario that needs a node run as an operator would run it
// (production connection limits: no --local-testnet) rather than a testnet
// node. Its log goes to node.log in the data dir.
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_V8_FLAGS } from '../../../node/cli/v8-flags.ts'
import { identityFromSeed } from '../../../node/identity/keys.ts'
import { initDataDir, openDataDir } from '../../../node/store/data-dir.ts'
import { freePorts } from '../../../testnet/ports.ts'
import { sleep } from './hosts.ts'

const CLI = join(import.meta.dirname, '..', '..', '..', 'node', 'cli', 'main.ts')

export interface NodeProcessInit {
  role: 'creator' | 'worker' | 'checker'
  /** Extra `pictor start` flags. */
  args?: string[]
  logLevel?: string
}

export interface NodeProcess {
  peerId: string
  /** Full multiaddr with /p2p/. */
  addr: string
  apiUrl: string
  token: string
  dataDir: string
  pid: number
  process: ChildProcess
  /** Whether the process is still running. */
  alive(): boolean
  /** SIGTERM, SIGKILL after 10 s; removes the data dir. */
  stop(): Promise<void>
}

export async function startNodeProcess(init: NodeProcessInit): Promise<NodeProcess> {
  const base = await mkdtemp(join(tmpdir(), 'pictor-attack-node-'))
  const dataDir = join(base, init.role)
  await initDataDir(dataDir)
  const opened = await openDataDir(dataDir)
  const id = await identityFromSeed(opened.seed)
  const [port] = await freePorts(1)
  const child = spawn(process.execPath, [...NODE_V8_FLAGS, CLI, 'start', '--role', init.role, '--data-dir', dataDir, '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--log-level', init.logLevel ?? 'warn', ...(init.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PICTOR_DATA_DIR: dataDir }
  })
  const log = createWriteStream(join(dataDir, 'node.log'))
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  child.once('exit', () => log.end())
  const alive = () => child.exitCode === null && child.signalCode === null
  const stop = async () => {
    if (alive()) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(timer)
    }
    await rm(base, { recursive: true, force: true })
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    const url = await readFile(opened.paths.api, 'utf8').then((t) => JSON.parse(t).url as string, () => undefined)
    if (url !== undefined) return { peerId: id.peerId, addr: `/ip4/127.0.0.1/tcp/${port}/p2p/${id.peerId}`, apiUrl: url, token: opened.token, dataDir, pid: child.pid!, process: child, alive, stop }
    if (!alive() || Date.now() > deadline) {
      const lastLine = (await readFile(join(dataDir, 'node.log'), 'utf8').catch(() => '')).trim().split('\n').at(-1) ?? ''
      await stop()
      throw new Error(`the ${init.role} node did not start: ${lastLine || 'no log'}`)
    }
    await sleep(100)
  }
}
