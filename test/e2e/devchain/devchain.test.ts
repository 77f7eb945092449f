// `pictor devchain` as a separate process: a job's whole lifecycle through
// DevLedgerClient, then SIGKILL in the middle of a burst of transactions and
// a restart that must have lost nothing that was acknowledged.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DevLedgerClient, readDevchain } from '../../../node/ledger/dev/rpc-client.ts'
import { ROLE, type LedgerEvent, type TxReceipt } from '../../../node/ledger/types.ts'
import { initDataDir } from '../../../node/store/data-dir.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const NODE = join(ROOT, 'node_modules', '.bin', 'node')
const CLI = join(import.meta.dirname, 'cli.ts')
const PIC = 1_000_000n

interface Devchain {
  child: ChildProcess
  url: string
  /** The faucet token it keeps in its data dir. */
  token?: string
}

async function startDevchain(dir: string): Promise<Devchain> {
  const child = spawn(NODE, [CLI, 'devchain', '--port', '0', '--data-dir', dir, '--withdraw-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PICTOR_LOG: 'warn' } })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const m = /devchain listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) return { child, url: m[1], token: (await readDevchain(dir))?.token }
    if (child.exitCode !== null) throw new Error(`devchain exited with ${child.exitCode}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error('devchain did not start')
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const [code] = await once(child, 'exit')
  return code as number | null
}

const seed = (i: number) => new Uint8Array(32).fill(i)
const jobId = 'a1'.repeat(32)
const root = (i: number) => i.toString(16).padStart(64, '0')

let dir: string
let chain: Devchain
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-devchain-e2e-'))
  chain = await startDevchain(join(dir, 'chain'))
})
afterAll(async () => {
  if (chain.child.exitCode === null) chain.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

const clients = (url: string, retryForMs?: number) => [11, 12, 13, 14].map((i) => new DevLedgerClient({ url, seed: seed(i), retryForMs, token: chain.token }))

describe('pictor devchain (separate process)', () => {
  it('settles a job: workers get exactly their bids for verified frames, the checker its fees, a cheat is slashed, the rest refunded', async () => {
    const [creator, w1, w2, checker] = clients(chain.url)
    for (const c of [creator, w1, w2, checker]) await c.faucet(c.address, 10n * PIC)
    await creator.register(ROLE.creator, 0n)
    await w1.register(ROLE.worker, 2n * PIC)
    await w2.register(ROLE.worker, PIC)
    await checker.register(ROLE.checker, PIC)
    const escrow = 4n * 1000n + 2n * 50n + 500n
    await creator.createJob({ jobId, taskCount: 2, frameCount: 4, maxFrameCost: 1000n, checkerFee: 50n, escrow })
    await creator.assignTask({ jobId, taskIndex: 0, worker: w1.address, frames: 2, frameCost: 900n })
    await creator.assignTask({ jobId, taskIndex: 1, worker: w2.address, frames: 2, frameCost: 800n })
    expect((await w1.commitResult({ jobId, taskIndex: 0, merkleRoot: root(1) })).checker).toBe(checker.address)
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: true })
    await w2.commitResult({ jobId, taskIndex: 1, merkleRoot: root(2) })
    await checker.submitVerdict({ jobId, taskIndex: 1, accepted: false })
    await creator.assignTask({ jobId, taskIndex: 1, worker: w1.address, frames: 2, frameCost: 950n })
    await w1.commitResult({ jobId, taskIndex: 1, merkleRoot: root(3) })
    await checker.submitVerdict({ jobId, taskIndex: 1, accepted: true })
    await creator.closeJob(jobId)

    const events = (await creator.events()).filter((e) => 'jobId' in e && e.jobId === jobId)
    const sum = (type: LedgerEvent['type']) => events.filter((e) => e.type === type).reduce((a, e) => a + (e as { amount: bigint }).amount, 0n)
    expect(sum('WorkerPaid')).toBe(2n * 900n + 2n * 950n)
    expect(sum('CheckerPaid')).toBe(3n * 50n)
    expect(sum('WorkerPaid') + sum('CheckerPaid') + sum('Refunded')).toBe(escrow)
    expect(await w1.balance(w1.address)).toBe(8n * PIC + 3700n)
    expect(await w2.node(w2.address)).toMatchObject({ stake: 0n, rejected: 1 })
    // The checker earns its fees and nothing of the slash, which goes to the creator whole.
    expect(await checker.balance(checker.address)).toBe(9n * PIC + 150n)
    expect(await creator.balance(creator.address)).toBe(10n * PIC - 3850n + PIC)
  })

  it('loses no acknowledged transaction when killed with SIGKILL mid-burst, and serves on after a restart', async () => {
    const [creator, w1, , checker] = clients(chain.url, 0)
    const before = { info: await creator.info(), events: await creator.events(), w1Nonce: await w1.nonce() }
    const acked: TxReceipt[] = []
    const burst = async (fn: () => Promise<TxReceipt>) => {
      for (let i = 0; i < 200; i++) acked.push(await fn())
    }
    const running = [burst(() => w1.addStake(1n)), burst(() => checker.addStake(1n)), burst(() => creator.faucet('0x' + 'f'.repeat(64), 7n))].map((p) => p.catch(() => {})) // they end when the chain dies
    const until = Date.now() + 20_000
    while (acked.length < 30 && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
    chain.child.kill('SIGKILL')
    await Promise.all(running)
    await exited(chain.child)
    const ackedCount = acked.length
    expect(ackedCount).toBeLessThan(600) // the kill landed mid-burst

    chain = await startDevchain(join(dir, 'chain'))
    const [c2, w1b, w2b, k2] = clients(chain.url)
    const info = await c2.info()
    expect(info.chainId).toBe(before.info.chainId)
    const events = await c2.events({ limit: 1000 })
    expect(events.slice(0, before.events.length)).toEqual(before.events)
    // Every acknowledged transaction is there, with exactly the events it reported.
    for (const r of acked) expect(events.filter((e) => e.txDigest === r.digest)).toEqual(r.events)
    // At most one more (applied, but killed before it answered) per sender.
    expect(info.height - before.info.height).toBeGreaterThanOrEqual(ackedCount)
    expect(info.height - before.info.height).toBeLessThanOrEqual(ackedCount + 3)
    const stakeOf = async (c: DevLedgerClient) => (await c.node(c.address))!.stake
    // Nonce and stake moved together: each applied add_stake is there whole.
    expect(await stakeOf(w1b)).toBe(2n * PIC + BigInt((await w1b.nonce()) - before.w1Nonce))
    // Funds are conserved across the crash: minted = balances + stake (the only job is closed).
    let held = await c2.balance('0x' + 'f'.repeat(64))
    for (const c of [c2, w1b, w2b, k2]) held += (await c.balance(c.address)) + ((await c.node(c.address))?.stake ?? 0n)
    expect(held).toBe(info.minted)
    // Nonces carry on.
    const n = await w1b.nonce()
    await w1b.addStake(1n)
    expect(await w1b.nonce()).toBe(n + 1)

    // Malformed JSON-RPC gets an error; the server keeps serving.
    const post = (body: string) => fetch(chain.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    expect(await (await post('{"jsonrpc":')).json()).toMatchObject({ error: { code: -32700 } })
    expect(await (await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ledger_mint' }))).json()).toMatchObject({ error: { code: -32601 } })
    expect((await post('x'.repeat(300 * 1024))).status).toBe(413)
    // What a web page could send: refused, and the faucet needs the token from the data dir.
    const faucet = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ledger_faucet', params: { address: c2.address, amount: '1' } })
    expect((await fetch(chain.url, { method: 'POST', body: faucet, headers: { 'content-type': 'text/plain' } })).status).toBe(415)
    expect((await post(faucet)).status).toBe(401)
    expect((await c2.info()).height).toBe(info.height + 1)
  })

  it('pictor wallet shows balance, stake, reputation and earnings', async () => {
    const data = join(dir, 'w1-node')
    await initDataDir(data, seed(12))
    const { stdout } = await promisify(execFile)(NODE, [CLI, 'wallet', '--data-dir', data, '--ledger', chain.url, '--json'])
    const wallet = JSON.parse(stdout)
    expect(wallet.earnings).toEqual({ worker: '3700', checker: '0', slashShares: '0' })
    expect(wallet.node).toMatchObject({ verified: 2, rejected: 0 })
    const text = (await promisify(execFile)(NODE, [CLI, 'wallet', '--data-dir', data, '--ledger', chain.url])).stdout
    expect(text).toContain('reputation   2 verified, 0 rejected')
    expect(text).toMatch(/WorkerPaid/)
  })

  it('pictor wallet fund reads the faucet token from the devchain\'s data dir, and says what is missing without it', async () => {
    const data = join(dir, 'fund-node')
    await initDataDir(data, seed(21))
    const run = (args: string[], env: Record<string, string>) =>
      promisify(execFile)(NODE, [CLI, 'wallet', 'fund', '--data-dir', data, ...args], { env: { ...process.env, ...env } }).then(
        ({ stdout }) => ({ code: 0, out: stdout }),
        (err: { code: number; stderr: string }) => ({ code: err.code, out: err.stderr })
      )
    const elsewhere = { PICTOR_DEVCHAIN_DIR: join(dir, 'no-devchain-here') }
    // The default devchain dir is this one: URL and token both come from it.
    expect(await run(['--amount', '1'], { PICTOR_DEVCHAIN_DIR: join(dir, 'chain') })).toMatchObject({ code: 0, out: expect.stringMatching(/^funded 0x[0-9a-f]{64} with 1\.000000 PIC; balance 1\.000000 PIC$/m) })
    // --ledger names the URL; --devchain-dir says where its token is.
    expect(await run(['--amount', '1', '--ledger', chain.url, '--devchain-dir', join(dir, 'chain')], elsewhere)).toMatchObject({ code: 0, out: expect.stringMatching(/balance 2\.000000 PIC$/m) })
    const refused = await run(['--amount', '1', '--ledger', chain.url], elsewhere)
    expect(refused.code).toBe(2)
    expect(refused.out.trim().split('\n')).toHaveLength(1)
    expect(refused.out).toMatch(/cannot fund 0x[0-9a-f]{64} from the faucet at .*needs the devchain token.*pass --devchain-dir DIR of that devchain/)
  })

  it('stops cleanly on SIGTERM and removes devchain.json', async () => {
    const file = join(dir, 'chain', 'devchain.json')
    expect((await stat(file)).isFile()).toBe(true)
    chain.child.kill('SIGTERM')
    expect(await exited(chain.child)).toBe(0)
    await expect(stat(file)).rejects.toThrow()
  })
})
