// The `pictor` binary and the testnet launcher as a user runs them.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node/api/client.ts'
import { detectBlender } from '../../node/renderers/blender/index.ts'
import type { WorkerSettings } from '../../node/roles/worker/index.ts'
import { roleServices } from '../../node/roles/index.ts'
import { type LocalSwarm, startSwarm, waitFor } from './helpers/nodes.ts'
import { pictor, ROOT } from './helpers/cli.ts'

const run = promisify(execFile)
const blender = await detectBlender()

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('pictor CLI', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await pictor(['--help'])
    expect(code).toBe(0)
    for (const name of ['init', 'start', 'status', 'peers', 'keys', 'job', 'render', 'worker']) expect(stdout).toContain(`  ${name}`)
  })

  it('bad input prints one line and exits 2, and stores nothing', async () => {
    const data = join(dir, 'node')
    expect((await pictor(['init', '--data-dir', data])).code).toBe(0)
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['start', '--role', 'miner', '--data-dir', data], /--role: must be one of creator, worker, checker/],
      [['start', '--slots', '0', '--data-dir', data], /--slots: must be an integer from 1 to 1024/],
      [['start', '--bogus', '--data-dir', data], /Unknown option '--bogus'/],
      // Research-only switches live in testnet/adversarial-node.ts, not in production config.
      [['start', '--role', 'worker', '--cheat', 'black', '--data-dir', data], /Unknown option '--cheat'/],
      [['start', '--role', 'checker', '--checker-colludes', '--data-dir', data], /Unknown option '--checker-colludes'/],
      [['start', '--role', 'checker', '--checker-rejects', '--data-dir', data], /Unknown option '--checker-rejects'/],
      [['status', '--data-dir', join(dir, 'nothing')], /is not initialised/],
      [['status', '--data-dir', data], /no node is running/],
      [['keys', 'import', 'suiprivkey1bad', '--data-dir', data], /not a valid suiprivkey/],
      [['job', 'status', 'xyz', '--data-dir', data], /a job id is 64 hex characters/],
      [['job', 'submit', join(dir, 'missing.json'), '--frames', '1-4', '--max-price', '10', '--data-dir', data], /not found/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '9-4', '--max-price', '10', '--data-dir', data], /frame/i],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--resolution', '16000x9000', '--max-price', '10', '--data-dir', data], /8K|7680|4320/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '-5', '--data-dir', data], /--max-price/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--tier', '5', '--data-dir', data], /--tier must be an integer from 0 to 3/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--tier', '1', '--data-dir', data], /tier 1 \(premium\) needs a price cap from 1500/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--min-ram', 'lots', '--data-dir', data], /--min-ram must look like 512M or 16G/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--region', 'a,b,c,d,e,f,g,h,i', '--data-dir', data], /regions must be a list of at most 8/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--test-frame', '2', '--data-dir', data], /pass --yes when not on a terminal/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--timeout-alert', 'soon', '--data-dir', data], /--timeout-alert must look like 90s, 10m, 2h or 1d/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '100', '--timeout-alert', '8d', '--data-dir', data], /--timeout-alert must be between 1s and 604800s/],
      [['render', join(dir, 'bad.json'), '--out', join(dir, 'out')], /scene/],
      [['start', '--ledger', 'ftp://x', '--data-dir', data], /--ledger: must be dev:<url> of a pictor devchain/],
      [['start', '--blobs', 'walrus', '--data-dir', data], /--blobs walrus: needs --walrus-publisher URL and --walrus-aggregator URL/],
      [['start', '--blobs', 'walrus', '--walrus-publisher', 'ftp://x', '--data-dir', data], /--walrus-publisher: must be an http\(s\) URL/],
      [['start', '--walrus-shards', '0', '--data-dir', data], /--walrus-shards: must be an integer from 4 to 4096/],
      [['job', 'submit', join(ROOT, 'testnet/scenes'), '--frames', '1-4', '--max-price', '100', '--data-dir', data], /\.blend/],
      [['start', '--ledger', 'sui', '--data-dir', data], /^pictor: --ledger sui needs --sui-package \(.* and --sui-registry/],
      [['start', '--ledger', 'sui', '--sui-package', '0x2', '--data-dir', data], /--sui-package: must be the package id: 0x and 64 hex characters/],
      [['start', '--ledger', 'sui', '--sui-network', 'moonnet', '--data-dir', data], /--sui-network: must be one of mainnet, testnet, devnet, localnet/],
      [['wallet', '--ledger', 'sui', '--data-dir', data], /--ledger sui needs --sui-package/],
      [['wallet', 'fund', '--ledger', 'sui', '--data-dir', data], /the Sui ledger has no pictor faucet: send SUI to 0x[0-9a-f]{64} on testnet \(a Sui faucet: `sui client faucet/],
      [['ledger', 'job', 'ab'.repeat(32), '--ledger', 'sui', '--sui-registry', 'r'], /--sui-registry: must be the registry's object id/]
    ]
    await writeFile(join(dir, 'bad.json'), '{"version": 1, "camera": 5}')
    for (const [args, message] of cases) {
      const { code, stderr } = await pictor(args)
      expect(code, args.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(stderr, args.join(' ')).toMatch(message)
    }
  })

  it('pictor start --ledger sui with an RPC it cannot reach: one line, exit 2, before anything opens', async () => {
    const data = join(dir, 'sui-node')
    expect((await pictor(['init', '--data-dir', data])).code).toBe(0)
    const sui = ['--sui-network', 'localnet', '--sui-url', 'http://127.0.0.1:9', '--sui-package', `0x${'ab'.repeat(32)}`, '--sui-registry', `0x${'cd'.repeat(32)}`]
    const { code, stderr } = await pictor(['start', '--role', 'worker', '--ledger', 'sui', ...sui, '--data-dir', data])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/^pictor: cannot reach the Sui localnet RPC at http:\/\/127\.0\.0\.1:9 \(--sui-url\): /)
    // No database, no API, no listener: the node stopped before its first step.
    expect((await readdir(data)).sort()).toEqual(['api-token', 'node.key', 'pictor.json'])
  })

  it('keys export/import round-trips through suiprivkey and never overwrites a key', async () => {
    const a = join(dir, 'a')
    await pictor(['init', '--data-dir', a])
    const exported = (await pictor(['keys', 'export', '--data-dir', a])).stdout.trim()
    expect(exported).toMatch(/^suiprivkey1/)
    const b = join(dir, 'b')
    expect((await pictor(['keys', 'import', exported, '--data-dir', b])).code).toBe(0)
    const [showA, showB] = await Promise.all([pictor(['keys', 'show', '--data-dir', a]), pictor(['keys', 'show', '--data-dir', b])])
    expect(JSON.parse(showB.stdout)).toEqual(JSON.parse(showA.stdout))
    const again = await pictor(['keys', 'import', exported, '--data-dir', a])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/never overwritten/)
  })
})

describe('testnet launcher', () => {
  it('--smoke starts every node, checks they see each other, and stops them all', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'testnet', 'cli.ts'), '--smoke', '--workers', '2', '--checkers', '1', '--log-level', 'warn'], { timeout: 90_000 })
    expect(stdout).toMatch(/ready in [\d.]+ s/)
    expect(stdout).toContain('every node exited cleanly')
  })
})

/** The README's "CLI reference" table: each command and the subcommands its row names (`pictor job submit\|status` -> job: submit, status). */
function readmeCommands(readme: string): { command: string; subs: string[] }[] {
  const section = readme.split(/^## CLI reference\s*$/m)[1]?.split(/^#{2,} /m)[0] ?? ''
  const rows: { command: string; subs: string[] }[] = []
  for (const line of section.split('\n')) {
    const firstCell = line.split(/(?<!\\)\|/)[1] ?? ''
    for (const [, span] of firstCell.matchAll(/`(pictor [^`]+)`/g)) {
      const words = span!.replace(/\\\|/g, '|').split(/\s+/)
      const subs = /^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(words[2] ?? '') ? words[2]!.split('|') : []
      rows.push({ command: words[1]!, subs })
    }
  }
  return rows
}

/** Subcommands a usage text names: `pictor keys show | export | import`, or one `pictor job submit` line each. */
function subcommandsIn(usage: string, command: string): string[] {
  const re = new RegExp(`pictor ${command} ((?:[a-z][a-z-]*\\s*\\|\\s*)*[a-z][a-z-]*)(?=\\s|$)`, 'g')
  return [...usage.matchAll(re)].flatMap((m) => m[1]!.split('|').map((s) => s.trim()))
}

describe('the README CLI reference', () => {
  const rows = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'))

  it('is read whole: every row, with its subcommands', () => {
    // Guards the parser: one that found nothing would let every check below pass.
    expect(rows.find((r) => r.command === 'job')?.subs).toEqual(expect.arrayContaining(['submit', 'dispute', 'list']))
    expect(rows.find((r) => r.command === 'worker')?.subs).toEqual(expect.arrayContaining(['settings', 'tasks', 'bench', 'doctor']))
    expect(rows.map((r) => r.command)).toEqual(expect.arrayContaining(['init', 'start', 'status', 'peers', 'keys', 'render', 'devchain', 'wallet', 'ledger']))
    expect(subcommandsIn('usage: pictor keys show | export | import <key>', 'keys')).toEqual(['show', 'export', 'import'])
  })

  it('every command and subcommand it lists answers --help with a usage that names it', async () => {
    const asks = rows.flatMap(({ command, subs }) => [[command], ...subs.map((sub) => [command, sub])])
    const answers: { code: number; stdout: string }[] = []
    // Eight at a time: each is a fresh Node process.
    for (let i = 0; i < asks.length; i += 8) answers.push(...(await Promise.all(asks.slice(i, i + 8).map((a) => pictor([...a, '--help'])))))
    asks.forEach(([command, sub], i) => {
      const { code, stdout } = answers[i]!
      const what = `pictor ${[command, sub].filter(Boolean).join(' ')} --help`
      expect(code, what).toBe(0)
      expect(stdout, what).toContain(`usage: pictor ${command}`)
      if (sub !== undefined) expect(subcommandsIn(stdout, command!), what).toContain(sub)
    })
  })

  it('documents every command pictor --help lists', async () => {
    const { stdout } = await pictor(['--help'])
    const listed = [...(stdout.split('commands:')[1] ?? '').matchAll(/^ {2}([a-z][a-z-]*)\s/gm)].map((m) => m[1]!)
    expect(listed.length).toBeGreaterThan(5)
    expect(rows.map((r) => r.command)).toEqual(expect.arrayContaining(listed))
  })
})

describe('a running worker, from the CLI', () => {
  let swarm: LocalSwarm
  const dataDir = (i: number) => swarm.nodes[i]!.context.dataDir.paths.root
  beforeAll(async () => {
    swarm = await startSwarm(2, { roles: ['worker', 'worker'], config: { price: 1000 }, services: roleServices })
  })
  afterAll(() => swarm?.stop())

  it('takes a new price: shows it, offers it to the network at once; bad input is one line and changes nothing', async () => {
    const set = await pictor(['worker', 'settings', '--price', '1500', '--data-dir', dataDir(0)])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/own price\s+1,500 µPIC/)
    // The other worker hears our offer: its network average is our new price.
    const other = await ApiClient.fromDataDir(dataDir(1))
    await waitFor(async () => (await other.request<WorkerSettings>('GET', '/api/worker/settings')).networkAverageBid === 1500, 20_000, 'an offer at the new price')

    const cases: [string[], RegExp][] = [
      [['--price', 'abc'], /--price must be a whole number of µPIC per reference frame, got "abc"/],
      [['--price', '-5'], /--price/],
      [['--price', '1000000000001'], /price must be an integer from 0 to 1000000000000 µPIC per reference frame, got 1000000000001/]
    ]
    for (const [flags, message] of cases) {
      const { code, stderr } = await pictor(['worker', 'settings', ...flags, '--data-dir', dataDir(0)])
      expect(code, flags.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1)
      expect(stderr, flags.join(' ')).toMatch(message)
    }
    const api = await ApiClient.fromDataDir(dataDir(0))
    await expect(api.request('POST', '/api/worker/settings', { slots: 4 })).rejects.toMatchObject({ status: 400, message: '"slots" cannot be changed while the worker runs; only price can' })
    await expect(api.request('POST', '/api/worker/settings', { price: 2.5 })).rejects.toMatchObject({ status: 400 })
    const after = JSON.parse((await pictor(['worker', 'settings', '--json', '--data-dir', dataDir(0)])).stdout) as WorkerSettings
    expect(after.ownPrice).toBe(1500)
  })

  it('lists its tasks, and refuses a bad limit in one line', async () => {
    const { code, stdout } = await pictor(['worker', 'tasks', '--data-dir', dataDir(0)])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^running 0; committed 0, lost 0, failed 0 in all/)
    const bad = await pictor(['worker', 'tasks', '--limit', '0', '--data-dir', dataDir(0)])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('pictor: limit must be an integer from 1 to 1000, got "0"')
  })

  it('pictor status shows the hardware of this machine', async () => {
    const { code, stdout } = await pictor(['status', '--data-dir', dataDir(0)])
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^cpu +.+, ${cpus().length} cores?, [\\d.]+ GiB RAM$`, 'm'))
    expect(stdout).toMatch(/^gpus +(none detected|\d+ x .+)$/m)
    expect(stdout).toMatch(/^blobs +p2p, ok: blobs live on this node and its peers only$/m)
    const json = JSON.parse((await pictor(['status', '--json', '--data-dir', dataDir(0)])).stdout) as { hardware: { cpuCount: number; ramMib: number } }
    expect(json.hardware).toMatchObject({ cpuCount: cpus().length, ramMib: Math.floor(totalmem() / 1024 / 1024) })
  })
})

describe('a node pointed at Walrus endpoints that do not answer', () => {
  let swarm: LocalSwarm
  beforeAll(async () => {
    const dead = 'http://127.0.0.1:9'
    swarm = await startSwarm(1, { roles: ['worker'], config: { blobs: 'walrus', walrusPublisher: dead, walrusAggregator: dead, walrusShards: 28 }, services: roleServices })
  })
  afterAll(() => swarm?.stop())

  it('still starts and serves, and pictor status says which endpoint does not answer', async () => {
    const { code, stdout } = await pictor(['status', '--data-dir', swarm.nodes[0]!.context.dataDir.paths.root])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^blobs +walrus, NOT ANSWERING: walrus publisher http:\/\/127\.0\.0\.1:9: .+$/m)
  })
})

describe('pictor worker bench and doctor', () => {
  const nowhere = '/nonexistent/blender'

  it('bench runs the built-in renderer by default', async () => {
    const { code, stdout } = await pictor(['worker', 'bench', '--threads', '1', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ renderer: 'builtin', score: expect.any(Number) })
  })

  it('bench --renderer blender without Blender, or a bad renderer: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--renderer', 'blender', '--blender', nowhere], /Blender not found/],
      [['--renderer', 'cycles'], /--renderer must be builtin or blender, got "cycles"/],
      [['--blender', nowhere], /--blender needs --renderer blender/]
    ]
    for (const [flags, message] of cases) {
      const { code, stderr } = await pictor(['worker', 'bench', ...flags])
      expect(code, flags.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1)
      expect(stderr, flags.join(' ')).toMatch(message)
    }
  })

  it('doctor says Blender is missing and exits 1', async () => {
    const { code, stdout } = await pictor(['worker', 'doctor', '--blender', nowhere])
    expect(code).toBe(1)
    expect(stdout).toMatch(/^blender +NO /m)
  })

  it.skipIf(blender === undefined)('bench --renderer blender gives the Blender score', async () => {
    const { code, stdout, stderr } = await pictor(['worker', 'bench', '--renderer', 'blender', '--threads', '1', '--json'])
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ renderer: 'blender', version: blender!.version, score: expect.any(Number) })
  })
})
