// Starts a local testnet: one creator plus workers and checkers, each a real
// `pictor start` process on 127.0.0.1 with its own fresh data dir; a node
// given adversarial flags (--cheat, --checker-colludes) runs the same start
// path through adversarial-node.ts instead, since the production binary has
// no such flags. Keys and ports are made up front so every node starts at
// once with a full bootstrap list, and the launcher can tell when all of
// them see each other.
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { identityFromSeed } from '../node/identity/keys.ts'
import type { NodeStatus } from '../node/node-status.ts'
import { NODE_V8_FLAGS } from '../node/cli/v8-flags.ts'
import { DEFAULT_CONFIG } from '../node/config/config.ts'
import { startWalrusDevServer, type WalrusDevServer } from '../node/walrus-dev/index.ts'
import { createLedger, type Ledger, readDevchain } from '../node/ledger/index.ts'
import { DEVCHAIN_FILE } from '../node/ledger/dev/rpc-client.ts'
import { initDataDir, openDataDir } from '../node/store/data-dir.ts'
import { isAdversarial } from './adversarial-flags.ts'
import { freePorts } from './ports.ts'

const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'node', 'cli', 'main.ts')
const ADVERSARIAL_NODE = join(ROOT, 'testnet', 'adversarial-node.ts')
/** Above this many nodes each bootstraps to the creator and a ring of neighbours, not to everyone. */
const FULL_MESH_MAX = 16

export interface TestnetNode {
  name: string
  role: 'creator' | 'worker' | 'checker'
  dataDir: string
  peerId: string
  suiAddress: string
  addr: string
  port: number
  token: string
  apiUrl?: string
  process?: ChildProcess
}

export interface TestnetInit {
  workers: number
  checkers: number
  /** Defaults to a new temp folder, removed by stop(). */
  baseDir?: string
  logLevel?: string
  /** Extra `pictor start` flags per role. */
  extraArgs?: Partial<Record<TestnetNode['role'], string[]>>
  /** Per-node extra flags, by node name (e.g. worker-2); --cheat / --checker-colludes make it an adversarial node. */
  nodeArgs?: Record<string, string[]>
  /** Run a devchain and fund every node from its faucet (default true). */
  ledger?: boolean
  /** Nodes (by name, e.g. worker-1) left unfunded at start: they keep retrying registration until funded. */
  unfunded?: string[]
  /** walrus (default): scenes and frames also go through an embedded Walrus-compatible server; p2p: peers only. */
  blobs?: 'p2p' | 'walrus'
  /** Extra `pictor devchain` flags, e.g. short ledger timeouts (--commit-timeout-ms) for crash research. */
  devchainArgs?: string[]
}

/**
 * Shards of the testnet's Walrus server. Real Walrus has 1000, where one blob
 * id costs ~1.5 s of CPU; 28 is the smallest count whose encoder takes a full
 * 10 MiB part, at ~50 ms per MiB.
 */
export const TESTNET_WALRUS_SHARDS = 28

/** A `--blobs` value for the testnet and the demo: walrus (the default) or p2p; undefined when it is neither. */
export function testnetBlobs(value: string | undefined): 'walrus' | 'p2p' | undefined {
  const blobs = value ?? 'walrus'
  return blobs === 'walrus' || blobs === 'p2p' ? blobs : undefined
}

/** Faucet amounts: creators pay escrows, workers and checkers stake. */
const FUNDS: Record<TestnetNode['role'], bigint> = { creator: 1_000_000_000n, worker: 10_000_000n, checker: 10_000_000n }

function walrusFlags(url: string): string[] {
  return ['--blobs', 'walrus', '--walrus-publisher', url, '--walrus-aggregator', url, '--walrus-shards', String(TESTNET_WALRUS_SHARDS)]
}

export class Testnet {
  readonly nodes: TestnetNode[] = []
  private readonly init: TestnetInit
  private baseDir = ''
  private ownsBaseDir = false
  private devchain?: ChildProcess
  /** The devchain's JSON-RPC URL, when the testnet runs one. */
  ledgerUrl?: string
  /** The devchain's faucet token (devchain-token in its data dir). */
  private ledgerToken?: string
  /** The embedded Walrus publisher and aggregator, when blobs go through Walrus (tests set its fault switches). */
  walrus?: WalrusDevServer

  constructor(init: TestnetInit) {
    this.init = init
  }

  get dir(): string {
    return this.baseDir
  }

  /** The devchain's data dir: `pictor wallet fund --devchain-dir` reads the faucet token there. */
  get devchainDir(): string {
    return join(this.baseDir, 'devchain')
  }

  /** The testnet's dev ledger acting as `seed` (reads and the faucet need no particular key). */
  async ledger(seed = new Uint8Array(32)): Promise<Ledger> {
    if (this.ledgerUrl === undefined) throw new Error('this testnet runs without a ledger')
    return (await createLedger({ ...DEFAULT_CONFIG, ledger: { kind: 'dev', url: this.ledgerUrl, token: this.ledgerToken } }, seed))!
  }

  node(name: string): TestnetNode {
    const node = this.nodes.find((n) => n.name === name)
    if (!node) throw new Error(`no testnet node ${name}`)
    return node
  }

  async start(): Promise<void> {
    this.ownsBaseDir = this.init.baseDir === undefined
    this.baseDir = this.init.baseDir ?? (await mkdtemp(join(tmpdir(), 'pictor-testnet-')))
    const roles: TestnetNode['role'][] = ['creator', ...Array<'worker'>(this.init.workers).fill('worker'), ...Array<'checker'>(this.init.checkers).fill('checker')]
    const ports = await freePorts(roles.length)
    const counters: Record<string, number> = {}
    for (const [i, role] of roles.entries()) {
      counters[role] = (counters[role] ?? 0) + 1
      const name = role === 'creator' ? 'creator' : `${role}-${counters[role]}`
      const dataDir = join(this.baseDir, name)
      await initDataDir(dataDir)
      const opened = await openDataDir(dataDir)
      const id = await identityFromSeed(opened.seed)
      this.nodes.push({ name, role, dataDir, peerId: id.peerId, suiAddress: id.suiAddress, port: ports[i], addr: `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${id.peerId}`, token: opened.token })
    }
    if (this.init.ledger !== false) await this.startLedger()
    if (this.init.blobs !== 'p2p') this.walrus = await startWalrusDevServer({ dir: join(this.baseDir, 'walrus'), shards: TESTNET_WALRUS_SHARDS })
    for (const [i, node] of this.nodes.entries()) this.spawn(node, this.bootstrapFor(i))
  }

  /** A devchain process, every node (but the unfunded ones) funded from its faucet before the nodes start. */
  private async startLedger(): Promise<void> {
    await this.spawnDevchain('0')
    const faucet = await this.ledger()
    for (const node of this.nodes) if (!this.init.unfunded?.includes(node.name)) await faucet.faucet(node.suiAddress, FUNDS[node.role])
  }

  /** Starts `pictor devchain` on the port (0: any) and waits until this very process wrote its URL. */
  private async spawnDevchain(port: string): Promise<void> {
    const dir = join(this.baseDir, 'devchain')
    const child = spawn(process.execPath, [CLI, 'devchain', '--port', port, '--data-dir', dir, ...(this.init.devchainArgs ?? [])], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PICTOR_LOG: 'warn' } })
    this.devchain = child
    const deadline = Date.now() + 20_000
    for (;;) {
      // A killed devchain leaves its file behind: only one naming this process counts.
      const pid = await readFile(join(dir, DEVCHAIN_FILE), 'utf8').then((text) => JSON.parse(text).pid as unknown, () => undefined)
      // The token file is written before the URL file, so it is there once the URL is.
      const found = pid === child.pid ? await readDevchain(dir) : undefined
      if (found !== undefined) {
        this.ledgerUrl = found.url
        this.ledgerToken = found.token
        return
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('the devchain did not start')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Signals the devchain (SIGKILL by default) and waits for it to exit; its chain stays in its data dir. */
  killDevchain(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.devchain
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    return exited
  }

  /** Starts the devchain again (after killDevchain()) on its old port, so the nodes' --ledger URL still holds. */
  async restartDevchain(): Promise<void> {
    if (this.ledgerUrl === undefined) throw new Error('this testnet runs without a ledger')
    await this.spawnDevchain(new URL(this.ledgerUrl).port)
  }

  private bootstrapFor(index: number): string[] {
    const n = this.nodes.length
    if (n <= FULL_MESH_MAX) return this.nodes.filter((_, j) => j !== index).map((p) => p.addr)
    const picks = new Set([0, (index + 1) % n, (index + 2) % n, (index + n - 1) % n, (index + n - 2) % n])
    picks.delete(index)
    return [...picks].map((j) => this.nodes[j].addr)
  }

  private creatorIds(): string[] {
    return this.nodes.filter((n) => n.role === 'creator').map((n) => n.peerId)
  }

  private spawn(node: TestnetNode, bootstrap: string[]): void {
    const extra = [...(this.init.extraArgs?.[node.role] ?? []), ...(this.init.nodeArgs?.[node.name] ?? [])]
    const args = [
      ...NODE_V8_FLAGS,
      ...(isAdversarial(extra) ? [ADVERSARIAL_NODE] : [CLI, 'start']), '--role', node.role, '--data-dir', node.dataDir,
      '--listen', `/ip4/127.0.0.1/tcp/${node.port}`, '--local-testnet', '--bootstrap', bootstrap.join(','),
      '--log-level', this.init.logLevel ?? 'info',
      ...(this.ledgerUrl === undefined ? [] : ['--ledger', this.ledgerUrl]),
      // Without a ledger a checker works only for the creators it trusts: the testnet's own.
      ...(this.ledgerUrl === undefined && node.role === 'checker' ? ['--check-for', this.creatorIds().join(',')] : []),
      ...(this.walrus === undefined ? [] : walrusFlags(this.walrus.url)),
      ...extra
    ]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PICTOR_DATA_DIR: node.dataDir } })
    const log = createWriteStream(join(node.dataDir, 'node.log'), { flags: 'a' })
    child.stdout?.pipe(log, { end: false })
    child.stderr?.pipe(log, { end: false })
    child.once('exit', () => log.end())
    node.process = child
  }

  /** Restarts one node's process (after kill()), with the same data dir and port. */
  restart(name: string): void {
    const index = this.nodes.findIndex((n) => n.name === name)
    this.spawn(this.nodes[index], this.bootstrapFor(index))
    this.nodes[index].apiUrl = undefined
  }

  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.node(name).process
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    return exited
  }

  async status(node: TestnetNode): Promise<NodeStatus | undefined> {
    try {
      if (node.apiUrl === undefined) node.apiUrl = JSON.parse(await readFile(join(node.dataDir, 'api.json'), 'utf8')).url
      const res = await fetch(`${node.apiUrl}/api/status`, { headers: { authorization: `Bearer ${node.token}` }, signal: AbortSignal.timeout(2000) })
      return res.ok ? ((await res.json()) as NodeStatus) : undefined
    } catch {
      node.apiUrl = undefined
      return undefined
    }
  }

  /**
   * Ready when every node answers on its API, is connected to every peer it
   * bootstrapped to, sees them all as subscribers of every topic, has a
   * gossip mesh on every topic, and has peers in its DHT routing table.
   */
  async waitReady(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let lastProblem = 'not checked yet'
    while (Date.now() < deadline) {
      for (const node of this.nodes) {
        if (node.process?.exitCode != null) {
          // The data dir goes with stop(): say what the node said last.
          const log = await readFile(join(node.dataDir, 'node.log'), 'utf8').catch(() => '')
          throw new Error(`${node.name} exited with code ${node.process.exitCode}: ${log.trim().split('\n').slice(-3).join(' | ').slice(0, 1500) || 'no log'}`)
        }
      }
      const problems = await Promise.all(this.nodes.map((node, i) => this.readiness(node, i)))
      const problem = problems.find((p) => p !== undefined)
      if (problem === undefined) return
      lastProblem = problem
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new Error(`testnet not ready after ${timeoutMs} ms: ${lastProblem}`)
  }

  private async readiness(node: TestnetNode, index: number): Promise<string | undefined> {
    const status = await this.status(node)
    if (!status) return `${node.name} API not answering`
    const expected = this.bootstrapFor(index).map((a) => a.split('/p2p/')[1])
    for (const [topic, t] of Object.entries(status.topics)) {
      const missing = expected.filter((p) => !t.subscribers.includes(p))
      if (missing.length > 0) return `${node.name} does not see ${missing.length} peer(s) on ${topic}`
      if (t.mesh === 0) return `${node.name} has no gossip mesh on ${topic}`
    }
    if (status.dht.routingTable === 0) return `${node.name} has an empty DHT routing table`
    // A funded node that is not on the ledger yet would not be admitted to a job: wait for it.
    if (status.registration !== undefined && status.registration !== 'registered' && !this.init.unfunded?.includes(node.name)) return `${node.name} is ${status.registration}`
    return undefined
  }

  /** SIGTERM every process, SIGKILL what is left after 10 s, then remove the temp dir. */
  async stop(): Promise<{ clean: boolean }> {
    const running = this.nodes.map((n) => n.process).filter((c): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null)
    const exits = running.map((c) => new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        c.kill('SIGKILL')
        resolve(false)
      }, 10_000)
      c.once('exit', (code) => {
        clearTimeout(timer)
        resolve(code === 0)
      })
      c.kill('SIGTERM')
    }))
    const clean = (await Promise.all(exits)).every(Boolean)
    const devchain = this.devchain
    if (devchain && devchain.exitCode === null && devchain.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => devchain.kill('SIGKILL'), 10_000)
        devchain.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        devchain.kill('SIGTERM')
      })
    }
    await this.walrus?.close()
    if (this.ownsBaseDir) await rm(this.baseDir, { recursive: true, force: true })
    return { clean }
  }
}
