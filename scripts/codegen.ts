// Regenerates protocol/pb/messages.{js,d.ts} from messages.proto.
// protons emits TypeScript namespaces, which Node's type stripping cannot
// run, so the generated .ts is compiled once and only the .js + .d.ts are
// committed. Type checking is skipped (--noCheck): protons and
// protons-runtime disagree on uint8arraylist's generics in function
// bodies only; the emitted declarations are what our code checks against.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const proto = join(root, 'protocol', 'pb', 'messages.proto')
const generated = join(root, 'protocol', 'pb', 'messages.ts')

execFileSync(bin('protons'), [proto], { stdio: 'inherit' })
try {
  execFileSync(
    bin('tsc'),
    [generated, '--declaration', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--noCheck', '--outDir', join(root, 'protocol', 'pb')],
    { stdio: 'inherit' }
  )
} finally {
  rmSync(generated, { force: true })
}
console.log('protocol/pb/messages.js regenerated')
