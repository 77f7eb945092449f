// One structured logger for the whole node: JSON lines on stderr, one
// component name per line. The level comes from PICTOR_LOG (error, warn,
// info, debug); tests default to warn so their output stays readable.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 }

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  debug(msg: string, fields?: Record<string, unknown>): void
  child(component: string): Logger
}

export interface LoggerInit {
  level?: LogLevel
  write?: (line: string) => void
  base?: Record<string, unknown>
}

function defaultLevel(): LogLevel {
  const env = process.env.PICTOR_LOG
  if (env === 'error' || env === 'warn' || env === 'info' || env === 'debug') return env
  return process.env.VITEST ? 'warn' : 'info'
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { message: value.message, code: (value as { code?: unknown }).code }
    // The cause chain is where transport errors hide their real reason.
    if (value.cause !== undefined) out.cause = serialise(value.cause)
    if (value instanceof AggregateError) out.errors = value.errors.slice(0, 4).map(serialise)
    return out
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (typeof value === 'bigint') return value.toString()
  return value
}

export function createLogger(component: string, init: LoggerInit = {}): Logger {
  const level = init.level ?? defaultLevel()
  const write = init.write ?? ((line: string) => process.stderr.write(line + '\n'))
  const base = init.base ?? {}
  const emit = (lvl: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] > RANK[level]) return
    const out: Record<string, unknown> = { t: new Date().toISOString(), level: lvl, component, msg, ...base }
    for (const [k, v] of Object.entries(fields)) out[k] = serialise(v)
    write(JSON.stringify(out))
  }
  return {
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
    debug: (m, f) => emit('debug', m, f),
    child: (name) => createLogger(`${component}:${name}`, { level, write, base })
  }
}

/** A logger that drops everything, for tests and library callers. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger
}
