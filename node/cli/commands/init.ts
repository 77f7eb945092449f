import { identityFromSeed, importSuiPrivateKey } from '../../identity/keys.ts'
import { initDataDir, openDataDir } from '../../store/data-dir.ts'
import { type Command, dataDirFlag, parseFlags } from '../args.ts'

export const initCommand: Command = {
  summary: 'create a data dir with a new node key (never overwrites a key)',
  usage: 'pictor init [--data-dir DIR] [--import suiprivkey1...]',
  async run(argv) {
    const { values } = parseFlags(argv, { import: { type: 'string' } })
    const seed = typeof values.import === 'string' ? await importSuiPrivateKey(values.import) : undefined
    const { created, paths } = await initDataDir(dataDirFlag(values), seed)
    const { seed: stored } = await openDataDir(paths.root)
    const id = await identityFromSeed(stored)
    console.log(created ? `initialised ${paths.root}` : `${paths.root} is already initialised (key kept)`)
    console.log(`peer id      ${id.peerId}`)
    console.log(`sui address  ${id.suiAddress}`)
    return 0
  }
}
