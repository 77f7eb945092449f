import { Transaction } from '@mysten/sui/transactions'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import { EVENT_LAYOUTS } from '../../../../../node/ledger/sui/events.ts'
import { type GasCoin, gasPayment, MAX_GAS_COINS, selectGasCoins } from '../../../../../node/ledger/sui/gas.ts'
import { SuiLedger } from '../../../../../node/ledger/sui/sui-ledger.ts'
import { CONFIG, encode } from './fake-transport.ts'
import { FakeRpc } from './fake-rpc.ts'
import { COIN_TYPE, DIGEST, JOB_OBJECT_ID, keypair, ownedRef, PACKAGE_ID, SENDER, sharedRef } from './offline.ts'

const id = (n: number) => normalizeSuiAddress(`0xc0${n}`)
const coin = (n: number, balance: bigint): GasCoin => ({ objectId: id(n), version: '1', digest: DIGEST, balance })
const SUI = 1_000_000_000n

describe('selectGasCoins', () => {
  it('takes the largest coins first, as few as cover the need', () => {
    const coins = [coin(1, 3n), coin(2, 10n), coin(3, 5n), coin(4, 1n)]
    expect(selectGasCoins(coins, 10n, new Set())?.map((c) => c.balance)).toEqual([10n])
    expect(selectGasCoins(coins, 14n, new Set())?.map((c) => c.balance)).toEqual([10n, 5n])
    expect(selectGasCoins(coins, 19n, new Set())?.map((c) => c.balance)).toEqual([10n, 5n, 3n, 1n])
    expect(selectGasCoins(coins, 20n, new Set())).toBeUndefined()
    expect(selectGasCoins([], 1n, new Set())).toBeUndefined()
  })

  it('never takes a coin the transaction spends', () => {
    const coins = [coin(1, 3n), coin(2, 10n), coin(3, 5n)]
    expect(selectGasCoins(coins, 8n, new Set([id(2)]))?.map((c) => c.objectId)).toEqual([id(3), id(1)])
    expect(selectGasCoins(coins, 9n, new Set([id(2)]))).toBeUndefined()
  })

  it('stops at the most coins one transaction may pay with', () => {
    const dust = Array.from({ length: MAX_GAS_COINS + 1 }, (_, i) => coin(i + 100, 1n))
    expect(selectGasCoins(dust, BigInt(MAX_GAS_COINS), new Set())).toHaveLength(MAX_GAS_COINS)
    expect(selectGasCoins(dust, BigInt(MAX_GAS_COINS) + 1n, new Set())).toBeUndefined()
  })
})

/** A transaction resolved but for its gas: it splits 7 SUI off the gas coin and hands on coin 1 it owns. */
function staking(): Transaction {
  const tx = new Transaction()
  tx.setGasPrice(1000)
  const [stake] = tx.splitCoins(tx.gas, [7n * SUI])
  tx.transferObjects([stake, tx.object(ownedRef(id(1)))], tx.pure.address(SENDER))
  tx.moveCall({ target: `${PACKAGE_ID}::job::close_job`, typeArguments: [COIN_TYPE], arguments: [tx.object(sharedRef(JOB_OBJECT_ID, true))] })
  return tx
}

/** A ledger over a real SuiGrpcClient whose gRPC transport is the fake, gas budget 2 SUI. */
function grpcLedger(coins: [number, bigint][]) {
  const rpc = new FakeRpc()
  for (const [n, balance] of coins) rpc.coins.push({ objectId: id(n), balance })
  const ledger = new SuiLedger(rpc.client(), keypair, { ...CONFIG, gasBudget: 2n * SUI })
  return { rpc, ledger }
}

describe('SuiLedger transactions over gRPC', () => {
  it('builds, pays gas from its coins, signs, executes, checks the effects and waits for the transaction', async () => {
    // Coin 1 is spent by the transaction; 9 SUI are needed (2 budget + 7 split off), so 5 + 3 + 2 pay.
    const { rpc, ledger } = grpcLedger([[1, 10n * SUI], [2, 5n * SUI], [3, 3n * SUI], [4, 2n * SUI], [5, 1n * SUI]])
    const checkerPaid = encode(EVENT_LAYOUTS.verify.CheckerPaid, { job_id: new Uint8Array(32).fill(0xab), task_index: 3, checker: '0xcc', amount: 10 })
    rpc.nextEvents = [
      { packageId: PACKAGE_ID, module: 'verify', sender: SENDER, eventType: `${PACKAGE_ID}::verify::CheckerPaid`, contents: { value: checkerPaid } }
    ]

    const receipt = await ledger.execute(staking())

    expect(rpc.methods()).toEqual(['ListOwnedObjects', 'ExecuteTransaction', 'GetTransaction'])
    const [sent] = rpc.executed
    const data = Transaction.from(sent!.bytes).getData()
    expect(data.sender).toBe(normalizeSuiAddress(SENDER))
    expect(data.gasData.budget).toBe(String(2n * SUI))
    expect(data.gasData.payment?.map((p) => p.objectId)).toEqual([id(2), id(3), id(4)])
    const signature = Buffer.from(sent!.signatures[0]!).toString('base64')
    expect(await keypair.getPublicKey().verifyTransaction(sent!.bytes, signature)).toBe(true)
    expect(receipt.events).toEqual([
      expect.objectContaining({ type: 'CheckerPaid', taskIndex: 3, amount: 10n, seq: -1, txDigest: receipt.digest })
    ])
    expect(rpc.requests.at(-1)?.input.digest).toBe(receipt.digest)
  })

  it('refuses in one line, sending nothing, when the account has no SUI for gas', async () => {
    const { rpc, ledger } = grpcLedger([])
    const error = await ledger.execute(staking()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerError)
    expect(error).toMatchObject({ code: 'EInsufficientGas' })
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    expect(message).toContain(ledger.address)
    expect(message).toMatch(/holds 0 MIST .* needs 9000000000: get test SUI with `sui client faucet --address 0x[0-9a-f]{64}`/)
    expect(rpc.methods()).toEqual(['ListOwnedObjects', 'GetBalance'])
  })

  it('counts neither the spent coin nor too little as enough', async () => {
    const { rpc, ledger } = grpcLedger([[1, 100n * SUI], [2, 4n * SUI], [3, 4n * SUI]])
    await expect(ledger.execute(staking())).rejects.toMatchObject({
      code: 'EInsufficientGas',
      message: expect.stringContaining('holds 8000000000 MIST of SUI coins for gas on Sui localnet, this transaction needs 9000000000')
    })
    expect(rpc.executed).toHaveLength(0)
  })
})

describe('gasPayment without a configured budget', () => {
  /** Builds with a client whose resolver stands in for the SDK's: it sets the budget by "dry run" and picks every coin. */
  async function build(coins: GasCoin[], tx: Transaction, addressBalance = 0n) {
    const sdk = async (data: { gasData: { budget: string | null; payment: unknown } }, _options: unknown, next: () => Promise<void>) => {
      data.gasData.budget ??= String(SUI)
      if (addressBalance > 0n) data.gasData.payment ??= []
      if (coins.length === 0 && addressBalance === 0n) throw new Error('No valid gas coins found for the transaction.')
      data.gasData.payment ??= coins.map(({ objectId, version, digest }) => ({ objectId, version, digest }))
      await next()
    }
    const client = { core: { resolveTransactionPlugin: () => sdk } }
    const source = {
      listCoins: async () => ({ objects: coins.map((c) => ({ ...c, balance: String(c.balance), owner: null as never, type: '' })), hasNextPage: false, cursor: null }),
      getBalance: async () => ({ balance: { balance: String(addressBalance), addressBalance: String(addressBalance) } })
    }
    tx.setSender(SENDER)
    tx.addBuildPlugin(gasPayment({ source, owner: normalizeSuiAddress(SENDER), network: 'testnet' }))
    return Transaction.from(await tx.build({ client: client as never })).getData()
  }

  it('lets the SDK estimate the budget, then pays with its own choice', async () => {
    const data = await build([coin(1, 20n * SUI), coin(2, 6n * SUI), coin(3, 3n * SUI), coin(4, 1n * SUI)], staking())
    // 1 SUI budget + 7 split off; coin 1 is spent by the transaction
    expect(data.gasData.payment?.map((p) => p.objectId)).toEqual([id(2), id(3)])
  })

  it('turns the SDK failure on an empty account into the no-gas line', async () => {
    await expect(build([], staking())).rejects.toMatchObject({
      code: 'EInsufficientGas',
      message: expect.stringMatching(/holds 0 MIST .* or at https:\/\/faucet\.sui\.io\/\?address=0x/)
    })
  })
  it('leaves the payment to the address balance when that covers what the coins do not', async () => {
    const tx = staking()
    tx.setGasBudget(SUI)
    const data = await build([coin(2, SUI)], tx, 10n * SUI)
    expect(data.gasData.payment).toEqual([])
  })
})
