// A running devchain: the chain in DIR/chain (LevelDB) served over JSON-RPC,
// with DIR/devchain.json telling other local processes where and
// DIR/devchain-token (0600, kept across restarts) holding the token its
// faucet asks for. Used by `pictor devchain` and by the testnet launcher.
import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UserError } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { writeFileAtomic } from '../../store/atomic-file.ts'
import type { LedgerParams } from '../types.ts'
import { DevChain } from './chain.ts'
import { DEVCHAIN_FILE, DEVCHAIN_TOKEN_FILE, readDevchainToken } from './rpc-client.ts'
import { DevchainRpcServer } from './rpc-server.ts'

export interface DevchainServiceInit {
  dir: string
  /** 0 picks a free port. */
  port: number
  /** Genesis parameters; ignored when DIR already holds a chain. */
  params: LedgerParams
  logger: Logger
  clock?: () => number
}

export class DevchainService {
  private readonly init: DevchainServiceInit
  readonly chain: DevChain
  private server?: DevchainRpcServer

  constructor(init: DevchainServiceInit) {
    this.init = init
    this.chain = new DevChain({ path: join(resolve(init.dir), 'chain'), params: init.params, clock: init.clock })
  }

  get url(): string {
    if (!this.server) throw new Error('devchain is not started')
    return this.server.url
  }

  get infoPath(): string {
    return join(resolve(this.init.dir), DEVCHAIN_FILE)
  }

  get tokenPath(): string {
    return join(resolve(this.init.dir), DEVCHAIN_TOKEN_FILE)
  }

  /** DIR's faucet token, made on first start; a damaged file is replaced by a fresh token. */
  private async token(): Promise<string> {
    const kept = await readDevchainToken(resolve(this.init.dir))
    if (kept !== undefined) return kept
    const token = randomBytes(32).toString('hex')
    await writeFileAtomic(this.tokenPath, `${token}\n`, { mode: 0o600 })
    return token
  }

  async start(): Promise<void> {
    await mkdir(resolve(this.init.dir), { recursive: true, mode: 0o700 })
    try {
      await this.chain.start()
    } catch (err) {
      // LevelDB holds a lock: the likely cause is a devchain already running on DIR.
      throw new UserError('DEVCHAIN', `cannot open the chain in ${this.init.dir} (is another devchain using it?)`, { cause: err })
    }
    let token: string
    try {
      token = await this.token()
    } catch (err) {
      await this.chain.stop()
      throw new UserError('DEVCHAIN', `cannot write the faucet token ${this.tokenPath}: ${(err as Error).message}`, { cause: err })
    }
    const server = new DevchainRpcServer({ chain: this.chain, port: this.init.port, token, logger: this.init.logger })
    try {
      await server.start()
    } catch (err) {
      await this.chain.stop()
      const code = (err as NodeJS.ErrnoException).code
      throw new UserError('DEVCHAIN', code === 'EADDRINUSE' ? `port ${this.init.port} is in use` : `cannot listen: ${(err as Error).message}`, { cause: err })
    }
    this.server = server
    const info = this.chain.info()
    await writeFileAtomic(this.infoPath, JSON.stringify({ url: server.url, pid: process.pid, chainId: info.chainId }) + '\n')
    this.init.logger.info('devchain started', { url: server.url, chainId: info.chainId, height: info.height })
  }

  async stop(): Promise<void> {
    // The file goes first: nobody should find a URL that is about to stop answering.
    await rm(this.infoPath, { force: true })
    await this.server?.stop()
    this.server = undefined
    await this.chain.stop()
  }
}
