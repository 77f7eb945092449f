// Flag parsing for every command: node:util parseArgs in strict mode, with
// its errors turned into one-line UserErrors (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UserError } from '../errors.ts'
import { defaultDataDir } from '../store/data-dir.ts'

export class UsageError extends UserError {
  constructor(message: string) {
    super('USAGE', message)
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies Options

export function parseFlags<O extends Options>(argv: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: true })
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`)
    return parsed
  } catch (err) {
    if (err instanceof UserError) throw err
    // Keep parseArgs' first sentence; its hints ("To specify a positional...") follow on other lines.
    throw new UsageError((err as Error).message.split('\n')[0].split('. ')[0].replace(/\.$/, ''))
  }
}

export function dataDirFlag(values: { 'data-dir'?: unknown }): string {
  return typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
}

export interface Command {
  summary: string
  usage: string
  run(argv: string[]): Promise<number>
}
