// `npm run testnet -- --workers N --checkers M [--smoke]`
import { parseArgs } from 'node:util'
import { printTable } from '../node/cli/table.ts'
import { Testnet } from './launcher.ts'

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) {
    process.stderr.write(`testnet: --${name} must be an integer from 0 to ${max}, got "${value}"\n`)
    process.exit(2)
  }
  return n
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      options: {
        workers: { type: 'string' },
        checkers: { type: 'string' },
        smoke: { type: 'boolean' },
        dir: { type: 'string' },
        'log-level': { type: 'string' }
      },
      strict: true
    }))
  } catch (err) {
    process.stderr.write(`testnet: ${(err as Error).message.split('. ')[0]}\n`)
    return 2
  }
  const testnet = new Testnet({
    workers: count(values.workers as string | undefined, 'workers', 3, 100),
    checkers: count(values.checkers as string | undefined, 'checkers', 1, 20),
    baseDir: values.dir as string | undefined,
    logLevel: (values['log-level'] as string | undefined) ?? 'info'
  })
  const started = Date.now()
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const { clean } = await testnet.stop()
    console.log(clean ? 'testnet stopped: every node exited cleanly' : 'testnet stopped: some nodes had to be killed')
    return clean
  }
  process.once('SIGINT', () => void stop().then((clean) => process.exit(clean ? 0 : 1)))
  process.once('SIGTERM', () => void stop().then((clean) => process.exit(clean ? 0 : 1)))
  try {
    await testnet.start()
    console.log(`starting ${testnet.nodes.length} nodes in ${testnet.dir} ...`)
    await testnet.waitReady()
  } catch (err) {
    console.error(`testnet: ${(err as Error).message}`)
    await stop()
    return 1
  }
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: every node sees every other on all gossip topics and the DHT`)
  printTable(
    ['role', 'name', 'peer id', 'listen address', 'API URL'],
    testnet.nodes.map((n) => [n.role, n.name, n.peerId, `/ip4/127.0.0.1/tcp/${n.port}`, n.apiUrl ?? '-'])
  )
  if (values.smoke) return (await stop()) ? 0 : 1
  console.log('running; press Ctrl-C to stop every node')
  await new Promise(() => {})
  return 0
}

main().then((code) => process.exit(code))
