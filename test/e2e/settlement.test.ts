// Settlement never fails silently, with real node processes: three workers
// and a checker start before their ledger accounts are funded. They keep
// retrying registration and `pictor status` says why; the creator admits no
// worker the ledger could not pay. Once `pictor wallet fund` funds them, the
// job completes and the ledger (`pictor ledger job`) has every task paid.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node/api/client.ts'
import { prepareJob, settlementLine, submitJob, waitForJob, waitForSettlement } from '../../node/cli/job-client.ts'
import type { JobView } from '../../node/roles/creator/index.ts'
import { Testnet } from '../../testnet/launcher.ts'
import { waitFor } from './helpers/nodes.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const SCENE = join(ROOT, 'testnet', 'scenes', 'tiny.json')
const UNFUNDED = ['worker-1', 'worker-2', 'worker-3', 'checker-1']
let testnet: Testnet

async function pictor(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'pictor.mjs'), ...args], { timeout: 60_000 })
  return stdout
}

const ledgerLine = async (name: string) => /^ledger +(.*)$/m.exec(await pictor(['status', '--data-dir', testnet.node(name).dataDir]))?.[1] ?? 'no ledger line'

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))])
}

beforeAll(async () => {
  testnet = new Testnet({ workers: 3, checkers: 1, logLevel: 'info', unfunded: UNFUNDED, extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] } })
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

describe('settlement with nodes funded after they start', () => {
  it('ends with every task paid on the ledger', { timeout: 240_000 }, async () => {
    for (const name of UNFUNDED) expect(await ledgerLine(name)).toMatch(/^not registered: EInsufficientBalance: .*pictor wallet fund/)
    expect(await ledgerLine('creator')).toBe('registered')

    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    const spec = await prepareJob(SCENE, { renderer: 'builtin', frameStart: 1, frameEnd: 12, framesPerTask: 2, width: 64, height: 36, samples: 4, seed: 11, maxPrice: 1000 })
    const job = await submitJob(client, SCENE, spec)
    // The checker first: a worker's on-chain commitment needs a registered checker to draw.
    const ledger = ['--ledger', testnet.ledgerUrl!, '--devchain-dir', testnet.devchainDir]
    expect(await pictor(['wallet', 'fund', '--data-dir', testnet.node('checker-1').dataDir, ...ledger])).toMatch(/^funded 0x[0-9a-f]{64} with 10\.000000 PIC; balance 10\.000000 PIC$/m)
    await waitFor(async () => (await ledgerLine('checker-1')) === 'registered', 60_000, 'checker-1 registered')
    // The workers bid seconds ago (announcements repeat every 3 s); unregistered, none was admitted.
    expect((await client.request<JobView>('GET', `/api/jobs/${job.id}`)).workers).toEqual([])
    for (const name of ['worker-1', 'worker-2', 'worker-3']) await pictor(['wallet', 'fund', '--data-dir', testnet.node(name).dataDir, ...ledger])
    for (const name of ['worker-1', 'worker-2', 'worker-3']) await waitFor(async () => (await ledgerLine(name)) === 'registered', 60_000, `${name} registered`)

    const done = await within(waitForJob(client, job.id, () => {}), 90_000, 'job completed')
    expect(done.status).toBe('completed')
    const settled = await within(waitForSettlement(client, job.id, () => {}), 90_000, 'job settled on the ledger').catch(() => undefined)

    // The ledger's own account of the job, as `pictor ledger job` reads it.
    const onChain = JSON.parse(await pictor(['ledger', 'job', job.id, ...ledger, '--json']))
    expect(onChain.job).toMatchObject({ status: 'closed', taskCount: 6, verifiedTasks: 6, pendingTasks: 0 })
    const workers = ['worker-1', 'worker-2', 'worker-3'].map((n) => testnet.node(n).suiAddress)
    expect(Object.keys(onChain.payouts.workers).every((a) => workers.includes(a))).toBe(true)
    expect(Object.keys(onChain.payouts.checkers)).toEqual([testnet.node('checker-1').suiAddress])
    expect(onChain.paidOut).toBe(onChain.payouts.escrow)

    expect(settled === undefined ? undefined : settlementLine(settled)).toMatchObject({ state: 'settled' })
    expect(await pictor(['job', 'status', job.id, '--data-dir', testnet.node('creator').dataDir])).toMatch(/^ledger +settled: every task paid, job closed, \d+ µPIC refunded$/m)
  })
})
