// DevchainService's files: the URL for other local processes and, beside
// it, the faucet token (0600, kept across restarts) that readDevchain hands
// to the CLI and the testnet, so they can mint and a web page cannot.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { DevchainService } from '../../../../../node/ledger/dev/devchain-service.ts'
import { DEVCHAIN_TOKEN_FILE, DevLedgerClient, readDevchain, readDevchainUrl } from '../../../../../node/ledger/dev/rpc-client.ts'
import { DEFAULT_LEDGER_PARAMS } from '../../../../../node/ledger/types.ts'

describe('DevchainService token', () => {
  let dir: string
  let service: DevchainService | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-devchain-svc-'))
  })
  afterEach(async () => {
    await service?.stop()
    service = undefined
    await rm(dir, { recursive: true, force: true })
  })

  const start = async () => {
    service = new DevchainService({ dir, port: 0, params: DEFAULT_LEDGER_PARAMS, logger: silentLogger })
    await service.start()
    return service
  }

  it('writes a 0600 token beside its URL, keeps it across restarts, and the faucet takes it', async () => {
    const running = await start()
    const found = await readDevchain(dir)
    expect(found).toEqual({ url: running.url, token: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(await readDevchainUrl(dir)).toBe(running.url)
    expect((await stat(join(dir, DEVCHAIN_TOKEN_FILE))).mode & 0o777).toBe(0o600)

    const minter = new DevLedgerClient({ url: found!.url, seed: new Uint8Array(32).fill(4), token: found!.token })
    await minter.faucet(minter.address, 7n)
    const stranger = new DevLedgerClient({ url: found!.url, seed: new Uint8Array(32).fill(5), retryForMs: 0 })
    await expect(stranger.faucet(stranger.address, 7n)).rejects.toThrow(/needs the devchain token/)

    await running.stop()
    service = undefined
    // Stopped: no URL to find; the token stays for the next start.
    expect(await readDevchain(dir)).toBeUndefined()
    const again = await start()
    expect(await readDevchain(dir)).toEqual({ url: again.url, token: found!.token })
  })

  it('replaces a damaged token file with a fresh token', async () => {
    await writeFile(join(dir, DEVCHAIN_TOKEN_FILE), 'not a token\n')
    await start()
    expect((await readDevchain(dir))?.token).toMatch(/^[0-9a-f]{64}$/)
    expect((await stat(join(dir, DEVCHAIN_TOKEN_FILE))).mode & 0o777).toBe(0o600)
  })
})
