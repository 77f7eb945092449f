// The devchain JSON-RPC server and DevLedgerClient, in one process on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { DevLedgerClient } from '../../../../../node/ledger/dev/rpc-client.ts'
import { DevchainRpcServer, MAX_RPC_BODY_BYTES } from '../../../../../node/ledger/dev/rpc-server.ts'
import { LedgerError, LedgerUnavailableError } from '../../../../../node/ledger/errors.ts'
import { ROLE } from '../../../../../node/ledger/types.ts'
import { chainPerTest, jobIdOf, registeredActors, rootOf } from './helpers.ts'

const dev = chainPerTest('pictor-rpc-')
let server: DevchainRpcServer
const TOKEN = 'ab'.repeat(32)
const bearer = { authorization: `Bearer ${TOKEN}` }

beforeEach(async () => {
  server = new DevchainRpcServer({ chain: dev.chain, port: 0, token: TOKEN, logger: silentLogger })
  await server.start()
})
afterEach(() => server.stop())

const post = (body: string, headers: Record<string, string> = {}) => fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
type RpcReply = { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } }
/** As DevLedgerClient sends it: JSON, with the token. */
const rpc = async (body: unknown): Promise<RpcReply & RpcReply[]> => (await post(JSON.stringify(body), bearer)).json() as Promise<RpcReply & RpcReply[]>

describe('devchain JSON-RPC', () => {
  it('serves the ledger to DevLedgerClient: a job from escrow to payout', async () => {
    const { creator, worker, checker } = await registeredActors((seed) => new DevLedgerClient({ url: server.url, seed, token: TOKEN }), 5_000_000n, 1_000_000n)
    const jobId = jobIdOf(7)
    await creator.createJob({ jobId, taskCount: 1, frameCount: 2, maxFrameCost: 10n, checkerFee: 3n, escrow: 30n })
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 2, frameCost: 9n })
    expect((await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })).checker).toBe(checker.address)
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: true })
    const closed = await creator.closeJob(jobId)
    expect(closed.events.find((e) => e.type === 'Refunded')).toMatchObject({ amount: 30n - 18n - 3n })
    expect(await worker.balance(worker.address)).toBe(4_000_018n)
    expect(await creator.job(jobId)).toMatchObject({ status: 'closed', escrow: 0n })
    expect(await creator.node(creator.address)).toMatchObject({ role: ROLE.creator, stake: 0n })
    expect(await creator.node('0x' + '0'.repeat(64))).toBeUndefined()
    expect(await creator.job(jobIdOf(8))).toBeUndefined()
    expect((await creator.info()).minted).toBe(15_000_000n)
    const events = await creator.events({ fromSeq: 0 })
    expect(events.at(-1)).toMatchObject({ type: 'JobClosed', refunded: 9n })
    // Refusals arrive as the same typed errors.
    await expect(worker.closeJob(jobId)).rejects.toSatisfy((e) => e instanceof LedgerError && e.code === 'ENotCreator')
    await expect(creator.task(jobIdOf(9), 0)).rejects.toSatisfy((e) => e instanceof LedgerError && e.code === 'EUnknownJob')
    await expect(creator.addStake(1n << 64n)).rejects.toSatisfy((e) => e instanceof LedgerError && e.code === 'EOverflow')
  })

  it('answers malformed, oversized and unknown requests with JSON-RPC errors and keeps serving', async () => {
    const parse = await post('{nope')
    expect(parse.status).toBe(200)
    expect(await parse.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
    expect(await rpc({ id: 1, method: 'ledger_info' })).toMatchObject({ id: 1, error: { code: -32600 } })
    expect(await rpc({ jsonrpc: '2.0', id: 2, method: 7 })).toMatchObject({ id: 2, error: { code: -32600 } })
    expect(await rpc({ jsonrpc: '2.0', id: { x: 1 }, method: 'ledger_info' })).toMatchObject({ id: null, error: { code: -32600 } })
    expect(await rpc(42)).toMatchObject({ error: { code: -32600 } })
    expect(await rpc([])).toMatchObject({ error: { code: -32600 } })
    expect(await rpc({ jsonrpc: '2.0', id: 3, method: 'eth_sendTransaction' })).toMatchObject({ id: 3, error: { code: -32601 } })
    expect(await rpc({ jsonrpc: '2.0', id: 4, method: 'constructor' })).toMatchObject({ id: 4, error: { code: -32601 } })
    expect(await rpc({ jsonrpc: '2.0', id: 5, method: 'ledger_balance', params: { address: 'alice' } })).toMatchObject({ id: 5, error: { code: -32602 } })
    expect(await rpc({ jsonrpc: '2.0', id: 6, method: 'ledger_balance', params: ['0x1'] })).toMatchObject({ id: 6, error: { code: -32602 } })
    expect(await rpc({ jsonrpc: '2.0', id: 7, method: 'ledger_submit', params: { tx: { from: 1 } } })).toMatchObject({ id: 7, error: { code: -32000, data: { code: 'EBadSignature' } } })
    expect(await rpc({ jsonrpc: '2.0', id: 8, method: 'ledger_faucet', params: { address: '0x' + '1'.repeat(64), amount: '18446744073709551616' } })).toMatchObject({
      id: 8,
      error: { code: -32000, data: { code: 'EOverflow' } }
    })
    const big = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ledger_info', params: { pad: 'x'.repeat(MAX_RPC_BODY_BYTES) } }))
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { code: -32600, message: expect.stringContaining('262144') } })
    const get = await fetch(server.url)
    expect(get.status).toBe(405)
    expect(await get.json()).toMatchObject({ error: { code: -32600 } })
    // A notification gets no body; a batch gets one answer per request that has an id.
    expect((await post(JSON.stringify({ jsonrpc: '2.0', method: 'ledger_info' }))).status).toBe(204)
    const batch = await rpc([{ jsonrpc: '2.0', id: 'a', method: 'ledger_info' }, { jsonrpc: '2.0', method: 'ledger_info' }, { jsonrpc: '2.0', id: 'b', method: 'nope' }])
    expect(batch).toHaveLength(2)
    expect(batch[0]).toMatchObject({ id: 'a', result: { chainId: dev.chain.chainId, height: 0 } })
    expect(batch[1]).toMatchObject({ id: 'b', error: { code: -32601 } })
    // Still serving.
    expect(await rpc({ jsonrpc: '2.0', id: 10, method: 'ledger_info' })).toMatchObject({ id: 10, result: { height: 0, minted: '0' } })
  })

  it('refuses a body that streams past the cap without a content-length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      }
    })
    const res = await fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(await rpc({ jsonrpc: '2.0', id: 1, method: 'ledger_info' })).toMatchObject({ result: { height: 0 } })
  })

  it('refuses a POST that is not application/json, as any web page could send it (415)', async () => {
    const faucet = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ledger_faucet', params: { address: '0x' + '1'.repeat(64), amount: '5' } })
    // What a <form> or a no-cors fetch from a page can send without a CORS preflight.
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(server.url, { method: 'POST', body: faucet, headers: { 'content-type': type, ...bearer } })
      expect(res.status, type).toBe(415)
      expect(await res.json()).toMatchObject({ error: { code: -32600, message: 'JSON-RPC requests need Content-Type: application/json' } })
    }
    const none = await fetch(server.url, { method: 'POST', body: new Blob([faucet]), headers: bearer })
    expect(none.status).toBe(415)
    // Nothing was minted; JSON with parameters is fine.
    expect((await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ledger_info' }), { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200)
    expect(await rpc({ jsonrpc: '2.0', id: 3, method: 'ledger_info' })).toMatchObject({ result: { minted: '0' } })
  })

  it('refuses the faucet without the devchain token (401), alone or in a batch; reads and signed transactions need none', async () => {
    const faucet = (id: number) => ({ jsonrpc: '2.0', id, method: 'ledger_faucet', params: { address: '0x' + '1'.repeat(64), amount: '5' } })
    const wrong: Record<string, string>[] = [{}, { authorization: `Bearer ${'cd'.repeat(32)}` }, { authorization: TOKEN }, { authorization: `Bearer ${TOKEN}x` }]
    for (const headers of wrong) {
      for (const body of [faucet(1), [{ jsonrpc: '2.0', id: 2, method: 'ledger_info' }, faucet(3)]]) {
        const res = await post(JSON.stringify(body), headers)
        expect(res.status).toBe(401)
        const reply = (await res.json()) as RpcReply
        expect(reply).toMatchObject({ id: null, error: { code: -32001 } })
        expect(reply.error!.message).toBe('ledger_faucet needs the devchain token: Authorization: Bearer <devchain-token in its data dir>')
      }
    }
    expect(await rpc({ jsonrpc: '2.0', id: 4, method: 'ledger_info' })).toMatchObject({ result: { minted: '0' } })
    // Without the token, a client reads and submits but cannot mint.
    const anonymous = new DevLedgerClient({ url: server.url, seed: new Uint8Array(32).fill(9), retryForMs: 0 })
    expect(await anonymous.balance(anonymous.address)).toBe(0n)
    await expect(anonymous.faucet(anonymous.address, 5n)).rejects.toThrow(/ledger_faucet needs the devchain token/)
    await expect(anonymous.register(ROLE.creator, 0n)).resolves.toBeDefined()
    // With it, the faucet mints.
    const holder = new DevLedgerClient({ url: server.url, seed: new Uint8Array(32).fill(9), token: TOKEN })
    await holder.faucet(holder.address, 5n)
    expect(await anonymous.balance(anonymous.address)).toBe(5n)
  })

  it('reports an unreachable devchain as LedgerUnavailableError', async () => {
    const url = server.url
    await server.stop()
    const client = new DevLedgerClient({ url, seed: new Uint8Array(32).fill(1), retryForMs: 0 })
    await expect(client.balance(client.address)).rejects.toBeInstanceOf(LedgerUnavailableError)
    await expect(client.register(ROLE.creator, 0n)).rejects.toBeInstanceOf(LedgerUnavailableError)
  })
})
