import { readFileSync } from 'node:fs'
import { exportSuiPrivateKey, identityFromSeed, importSuiPrivateKey } from '../../identity/keys.ts'
import { initDataDir, openDataDir } from '../../store/data-dir.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'

export const keysCommand: Command = {
  summary: 'show, export or import the node key (Sui suiprivkey format)',
  usage: 'pictor keys show | export | import <suiprivkey1...|-> [--data-dir DIR]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {}, 2)
    const [action, arg] = positionals
    const dir = dataDirFlag(values)
    switch (action) {
      case 'show': {
        const id = await identityFromSeed((await openDataDir(dir)).seed)
        console.log(JSON.stringify({ peerId: id.peerId, suiAddress: id.suiAddress, publicKey: Buffer.from(id.publicKey).toString('hex') }, null, 2))
        return 0
      }
      case 'export':
        // The secret goes to stdout only; nothing else is printed.
        console.log(await exportSuiPrivateKey((await openDataDir(dir)).seed))
        return 0
      case 'import': {
        if (arg === undefined) throw new UsageError('keys import needs a suiprivkey string, or - to read it from stdin')
        const text = arg === '-' ? readFileSync(0, 'utf8') : arg
        const { paths } = await initDataDir(dir, await importSuiPrivateKey(text))
        const id = await identityFromSeed((await openDataDir(paths.root)).seed)
        console.log(`imported key into ${paths.root}: peer id ${id.peerId}, sui address ${id.suiAddress}`)
        return 0
      }
      default:
        throw new UsageError(`keys needs show, export or import, got ${action === undefined ? 'nothing' : `"${action}"`}`)
    }
  }
}
