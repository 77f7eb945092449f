// A deliberately small reader of contracts/sources/*.move for tests: the
// signatures of functions, the fields of structs and the abort constants,
// found with regular expressions. Enough to keep the TypeScript side from
// drifting from the Move side; not a Move parser.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const CONTRACTS_DIR = join(import.meta.dirname, '../../../../../contracts')
export const SOURCES_DIR = join(CONTRACTS_DIR, 'sources')

export interface MoveParam {
  name: string
  type: string
}

export interface MoveFunction {
  module: string
  name: string
  visibility: 'private' | 'public' | 'package'
  entry: boolean
  typeParams: string[]
  params: MoveParam[]
}

export interface MoveStruct {
  module: string
  name: string
  abilities: string[]
  fields: MoveParam[]
}

export interface MoveModule {
  name: string
  functions: MoveFunction[]
  structs: MoveStruct[]
  constants: Map<string, bigint>
}

/** Splits on commas that are not inside <...> or (...). */
function splitTop(list: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of list) {
    if (ch === '<' || ch === '(') depth++
    if (ch === '>' || ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p.length > 0)
}

function params(list: string): MoveParam[] {
  return splitTop(list).map((p) => {
    const colon = p.indexOf(':')
    return { name: p.slice(0, colon).trim(), type: p.slice(colon + 1).replace(/\s+/g, ' ').trim() }
  })
}

const stripComments = (source: string) => source.replace(/\/\/.*$/gm, '')

export function parseModule(source: string): MoveModule {
  const text = stripComments(source)
  const header = /^\s*module\s+\w+::(\w+)\s*;/m.exec(text)
  if (header === null) throw new Error('no `module addr::name;` header')
  const module = header[1]!
  const functions: MoveFunction[] = []
  const fnRe = /^(public(?:\(package\))?\s+)?(entry\s+)?fun\s+(\w+)\s*(?:<([^>]*)>)?\s*\(([^)]*)\)/gm
  for (const m of text.matchAll(fnRe)) {
    const vis = m[1]?.trim()
    functions.push({
      module,
      name: m[3]!,
      visibility: vis === undefined ? 'private' : vis === 'public' ? 'public' : 'package',
      entry: m[2] !== undefined,
      typeParams: m[4] === undefined ? [] : splitTop(m[4]),
      params: params(m[5]!)
    })
  }
  const structs: MoveStruct[] = []
  const structRe = /public struct (\w+)(?:<[^>]*>)?\s+has\s+([\w\s,]+?)\s*\{([^}]*)\}/g
  for (const m of text.matchAll(structRe)) {
    structs.push({
      module,
      name: m[1]!,
      abilities: m[2]!.split(',').map((a) => a.trim()),
      fields: params(m[3]!)
    })
  }
  const constants = new Map<string, bigint>()
  for (const m of text.matchAll(/const\s+(E\w+)\s*:\s*u64\s*=\s*(\d+)\s*;/g)) constants.set(m[1]!, BigInt(m[2]!))
  return { name: module, functions, structs, constants }
}

export function readModules(dir = SOURCES_DIR): Map<string, MoveModule> {
  const modules = new Map<string, MoveModule>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.move'))) {
    const module = parseModule(readFileSync(join(dir, file), 'utf8'))
    modules.set(module.name, module)
  }
  return modules
}

export function findFunction(modules: Map<string, MoveModule>, module: string, name: string): MoveFunction {
  const fn = modules.get(module)?.functions.find((f) => f.name === name)
  if (fn === undefined) throw new Error(`no function ${module}::${name} in contracts/sources`)
  return fn
}

/** The parameters a transaction passes: all but the implicit TxContext. */
export function callParams(fn: MoveFunction): MoveParam[] {
  return fn.params.filter((p) => !/^&(mut )?TxContext$/.test(p.type))
}
