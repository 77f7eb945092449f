#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=768
// Entry point for `npx pictor`. The CLI is TypeScript run by Node >= 24 with
// type stripping; when started by an older system Node, re-run it under the
// project's own Node 24 (the `node` package in node_modules). The V8 flags
// on the first line are node/cli/v8-flags.ts's (why: there).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const main = join(root, 'node', 'cli', 'main.ts')
const major = Number(process.versions.node.split('.')[0])

if (major >= 24) {
  await import(main)
} else {
  const local = join(root, 'node_modules', 'node', 'bin', 'node')
  const fallback = join(root, 'node_modules', '.bin', 'node')
  const node = existsSync(local) ? local : fallback
  if (!existsSync(node)) {
    process.stderr.write('pictor: needs Node >= 24; run `npm install` in the pictor folder first\n')
    process.exit(2)
  }
  const v8Flags = ['--max-semi-space-size=2', '--max-old-space-size=768']
  const child = spawn(node, [...v8Flags, main, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)))
}
