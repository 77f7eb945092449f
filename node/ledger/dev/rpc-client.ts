// The dev ledger from another process: JSON-RPC 2.0 to `pictor devchain`.
// A refusal comes back as the same LedgerError the chain threw; a chain
// that cannot be reached, or answers nonsense, is a LedgerUnavailableError.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isLedgerErrorCode, LedgerError, LedgerUnavailableError } from '../errors.ts'
import type { ChainJob, ChainNode, ChainTask, LedgerEvent } from '../types.ts'
import type { Block, ChainInfo, DevReceipt } from './chain.ts'
import { type DevTransport, SigningLedger } from './signing-ledger.ts'
import type { SignedTx } from './tx.ts'
import { fromWire } from './wire.ts'

/** Written by `pictor devchain` into its data dir so other processes find it. */
export const DEVCHAIN_FILE = 'devchain.json'
/**
 * Beside DEVCHAIN_FILE, mode 0600: the token the faucet asks for, sent as
 * `Authorization: Bearer <token>`. Whoever can read the data dir may mint;
 * a web page, or another user of the machine, may not.
 */
export const DEVCHAIN_TOKEN_FILE = 'devchain-token'
const TOKEN_PATTERN = /^[0-9a-f]{64}$/

export interface RpcTransportInit {
  url: string
  /** Per request. */
  timeoutMs?: number
  /** The devchain's token (DEVCHAIN_TOKEN_FILE); only the faucet needs it. */
  token?: string
}

export class RpcTransport implements DevTransport {
  private readonly url: string
  private readonly timeoutMs: number
  private readonly headers: Record<string, string>
  private nextId = 1

  constructor(init: RpcTransportInit) {
    this.url = init.url
    this.timeoutMs = init.timeoutMs ?? 30_000
    this.headers = { 'content-type': 'application/json', ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }) }
  }

  async request<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++
    let body: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: { code?: unknown } } }
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs)
      })
      body = (await res.json()) as typeof body
    } catch (err) {
      throw new LedgerUnavailableError(`dev ledger at ${this.url} is unreachable: ${(err as Error).message}`, { cause: err })
    }
    if (body?.error !== undefined) {
      const message = typeof body.error.message === 'string' ? body.error.message : 'refused'
      if (isLedgerErrorCode(body.error.data?.code)) throw new LedgerError(body.error.data.code, message)
      throw new LedgerUnavailableError(`dev ledger ${method}: ${message} (${String(body.error.code)})`)
    }
    if (body?.id !== id || !('result' in body)) throw new LedgerUnavailableError(`dev ledger ${method}: malformed response`)
    return body.result as T
  }

  async info(): Promise<ChainInfo> {
    return fromWire(await this.request('ledger_info'))
  }

  nonce(address: string): Promise<number> {
    return this.request('ledger_nonce', { address })
  }

  async submit(tx: SignedTx): Promise<DevReceipt> {
    return fromWire(await this.request('ledger_submit', { tx }))
  }

  async faucet(address: string, amount: bigint): Promise<DevReceipt> {
    return fromWire(await this.request('ledger_faucet', { address, amount: amount.toString() }))
  }

  async balance(address: string): Promise<bigint> {
    return BigInt(await this.request<string>('ledger_balance', { address }))
  }

  async node(address: string): Promise<ChainNode | undefined> {
    return fromWire((await this.request('ledger_node', { address })) ?? undefined)
  }

  async job(jobId: string): Promise<ChainJob | undefined> {
    return fromWire((await this.request('ledger_job', { jobId })) ?? undefined)
  }

  async task(jobId: string, taskIndex: number): Promise<ChainTask> {
    return fromWire(await this.request('ledger_task', { jobId, taskIndex }))
  }

  async events(fromSeq: number, limit?: number): Promise<LedgerEvent[]> {
    return fromWire(await this.request('ledger_events', { fromSeq, ...(limit === undefined ? {} : { limit }) }))
  }

  async block(height: number): Promise<Block | undefined> {
    return (await this.request<Block | null>('ledger_block', { height })) ?? undefined
  }
}

export interface DevLedgerClientInit {
  /** http://127.0.0.1:PORT of a running `pictor devchain`. */
  url: string
  /** The node's 32-byte Ed25519 seed: transactions are signed locally, never sent. */
  seed: Uint8Array
  timeoutMs?: number
  retryForMs?: number
  /** The devchain's token, for the faucet (readDevchain); signed transactions need none. */
  token?: string
}

export class DevLedgerClient extends SigningLedger {
  readonly url: string
  constructor(init: DevLedgerClientInit) {
    super({ transport: new RpcTransport({ url: init.url, timeoutMs: init.timeoutMs, token: init.token }), seed: init.seed, retryForMs: init.retryForMs })
    this.url = init.url
  }

  /** The chain's id, height, params and minted total. */
  info(): Promise<ChainInfo> {
    return this.transport.info()
  }
}

/** Where a running devchain listens, and its faucet token when this user can read it. */
export interface DevchainAccess {
  url: string
  token?: string
}

/** The URL a `pictor devchain --data-dir DIR` wrote into DIR, or undefined if there is none. */
export async function readDevchainUrl(dir: string): Promise<string | undefined> {
  return (await readDevchain(dir))?.url
}

/** The URL and token a `pictor devchain --data-dir DIR` wrote into DIR; undefined when it runs no devchain. */
export async function readDevchain(dir: string): Promise<DevchainAccess | undefined> {
  let url: unknown
  try {
    ;({ url } = JSON.parse(await readFile(join(dir, DEVCHAIN_FILE), 'utf8')) as { url?: unknown })
  } catch {
    return undefined
  }
  if (typeof url !== 'string') return undefined
  const token = await readDevchainToken(dir)
  return token === undefined ? { url } : { url, token }
}

/** DIR's faucet token, or undefined when it is missing, unreadable or malformed. */
export async function readDevchainToken(dir: string): Promise<string | undefined> {
  const token = (await readFile(join(dir, DEVCHAIN_TOKEN_FILE), 'utf8').catch(() => '')).trim()
  return TOKEN_PATTERN.test(token) ? token : undefined
}
