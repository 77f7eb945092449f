// Every package package.json declares is imported somewhere in the code, or
// is one of the few tools used without an import (listed below with where
// they are used). A dependency nobody imports only costs install time and
// audit noise, and one that no longer fits (it-pipe on libp2p 3.x streams)
// invites someone to use it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const CODE_DIRS = ['node', 'protocol', 'testnet', 'scripts', 'test', 'bin']
/** Static imports and re-exports (multi-line too), side-effect imports, dynamic import(). */
const SPECIFIERS = [/(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/g, /(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]

/**
 * Declared for what they do outside import statements. Each names a file
 * and a text in it that shows the use, so an exception whose use is gone
 * fails too.
 */
const USED_WITHOUT_IMPORT: Record<string, { file: string; mentions: string }> = {
  // bin/pictor.mjs re-runs the CLI under node_modules/node when the system Node is older than 24.
  node: { file: 'bin/pictor.mjs', mentions: "'node_modules', 'node'" },
  // npm run typecheck; scripts/codegen.ts also compiles the generated codec with it.
  typescript: { file: 'package.json', mentions: 'tsc --noEmit' },
  // Node's type definitions, loaded by tsc from tsconfig's "types".
  '@types/node': { file: 'tsconfig.json', mentions: '"types": ["node"]' },
  // npm run lint.
  '@biomejs/biome': { file: 'package.json', mentions: 'biome lint' },
  // npm run lint:move, with the Move plugin below.
  prettier: { file: 'package.json', mentions: 'prettier --plugin' },
  '@mysten/prettier-plugin-move': { file: 'package.json', mentions: '--plugin @mysten/prettier-plugin-move' },
  // npm run codegen runs its binary on messages.proto.
  protons: { file: 'scripts/codegen.ts', mentions: "bin('protons')" }
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(dir, f))
}

/** 'multiformats/cid' -> 'multiformats', '@libp2p/crypto/keys' -> '@libp2p/crypto'; undefined for node: and relative paths. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function importedPackages(text: string): Set<string> {
  const found = new Set<string>()
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      const name = packageOf(m[1]!)
      if (name !== undefined) found.add(name)
    }
  }
  return found
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
const imported = new Set<string>()
for (const file of CODE_DIRS.flatMap(sources)) for (const name of importedPackages(readFileSync(join(ROOT, file), 'utf8'))) imported.add(name)

describe('dependencies', () => {
  it('every declared package is imported somewhere, or is a tool listed with its use', () => {
    expect(declared.filter((name) => !imported.has(name) && !(name in USED_WITHOUT_IMPORT))).toEqual([])
  })

  it('every tool exception is declared and still used where it says', () => {
    for (const [name, use] of Object.entries(USED_WITHOUT_IMPORT)) {
      expect(declared, name).toContain(name)
      expect(readFileSync(join(ROOT, use.file), 'utf8'), `${name} in ${use.file}`).toContain(use.mentions)
    }
  })

  it('the scanner sees the import forms the code uses', () => {
    // Guards the scanner itself: one that matched nothing would call every package unused.
    const text = "import { a } from '@scope/pkg/sub'\nimport {\n  b,\n  c\n} from 'multi'\nexport { d } from 're-export'\nimport 'side-effect'\nconst e = await import('dynamic/x')\nimport { f } from 'node:fs'\nimport g from './local.ts'\nconst h = Buffer.from('not-a-module')"
    expect([...importedPackages(text)].sort()).toEqual(['@scope/pkg', 'dynamic', 'multi', 're-export', 'side-effect'])
    expect(imported.has('level') && imported.has('vitest') && imported.has('protons-runtime')).toBe(true)
  })
})
