// The layering the README describes, checked on every import statement:
// protocol/ is pure and reached only through protocol/index.ts, node/ never
// reaches into testnet/ or scripts/, and node/'s areas import each other
// without cycles. A new import that breaks a rule fails here, with its file.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s+'([^']+)'/g
/** The only packages protocol/ may use: hashing, signatures and the protobuf runtime, all free of I/O. */
const PROTOCOL_PACKAGES = ['@noble/curves/', '@noble/hashes/', 'protons-runtime', 'uint8arraylist']

interface Import {
  from: string
  /** Repo-relative path for a relative import, the bare specifier otherwise. */
  to: string
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => (f.endsWith('.ts') || f.endsWith('.mjs')) && !f.includes('node_modules'))
    .map((f) => join(dir, f))
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = m[1]!
    return { from: file, to: spec.startsWith('.') ? normalize(join(dirname(file), spec)) : spec }
  })
}

/** node/'s top-level areas: a folder, or the composition root (node.ts with node-status.ts), or a root utility file. */
function areaOf(file: string): string {
  const rel = relative('node', file).split('/')
  if (rel.length > 1) return rel[0]!
  return rel[0] === 'node-status.ts' ? 'node.ts' : rel[0]!
}

function cycleIn(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, 'open')
    stack.push(n)
    for (const m of edges.get(n) ?? []) {
      const found = visit(m)
      if (found) return found
    }
    stack.pop()
    state.set(n, 'done')
    return undefined
  }
  for (const n of edges.keys()) {
    const found = visit(n)
    if (found) return found
  }
  return undefined
}

const all = ['node', 'protocol', 'testnet', 'scripts', 'test', 'bin'].flatMap(sources).flatMap(importsOf)

describe('layer boundaries', () => {
  it('protocol/ imports only itself and its pure packages', () => {
    const bad = all.filter((i) => i.from.startsWith('protocol/') && !i.to.startsWith('protocol/') && !PROTOCOL_PACKAGES.some((p) => i.to.startsWith(p)))
    expect(bad).toEqual([])
  })

  it('every other folder reaches protocol/ through protocol/index.ts', () => {
    // The protocol's own unit tests may open its modules directly.
    const bad = all.filter((i) => !i.from.startsWith('protocol/') && !i.from.startsWith('test/unit/protocol/') && i.to.startsWith('protocol/') && i.to !== 'protocol/index.ts')
    expect(bad).toEqual([])
  })

  it('node/ never imports testnet/, scripts/ or test/ (research switches stay out of the node)', () => {
    const bad = all.filter((i) => i.from.startsWith('node/') && /^(testnet|scripts|test)\//.test(i.to))
    expect(bad).toEqual([])
  })

  it("node/'s areas import each other without a cycle, and gossip does not reach the API", () => {
    const edges = new Map<string, Set<string>>()
    for (const i of all) {
      if (!i.from.startsWith('node/') || !i.to.startsWith('node/')) continue
      const [a, b] = [areaOf(i.from), areaOf(i.to)]
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b))
    }
    expect(cycleIn(edges)).toBeUndefined()
    expect([...(edges.get('net') ?? [])]).not.toContain('api')
    expect([...(edges.get('config') ?? [])]).not.toContain('roles')
  })

  it('a ledger is built only by createLedger (node/ledger/factory.ts): the node, CLI and testnet pick it from the settings', () => {
    // Tests build their own (an in-process chain, a fake Sui transport), and so does the simulator's chain for
    // each simulated node (it has no settings); nothing else may bypass the settings.
    const builds = (file: string) => /\bnew\s+(DevLedgerClient|DevLedger|SigningLedger|SuiLedger)\s*\(/.test(readFileSync(join(ROOT, file), 'utf8'))
    const builders = ['node', 'testnet', 'scripts', 'bin'].flatMap(sources).filter(builds)
    expect(builders).toEqual(['node/ledger/factory.ts', 'testnet/sim/sim-chain.ts'])
  })

  it('the checks see the imports they are meant to judge', () => {
    // Guards the scanner itself: a regex that matched nothing would pass every rule above.
    expect(all.some((i) => i.from === 'node/node.ts' && i.to === 'protocol/index.ts')).toBe(true)
    expect(all.some((i) => i.from.startsWith('node/roles/creator/') && i.to === 'node/verify/index.ts')).toBe(true)
    expect(cycleIn(new Map([['a', new Set(['b'])], ['b', new Set(['a'])]]))).toEqual(['a', 'b', 'a'])
  })
})
