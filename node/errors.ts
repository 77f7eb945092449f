// Node-level errors. Anything a user can cause by bad input is a UserError:
// the CLI prints its message as one line and exits with code 2.

export class PictorError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** Bad flags, config, data dir or job spec: one clear line, exit code 2. */
export class UserError extends PictorError {}

export class ConfigError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options)
  }
}

export class DataDirError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATA_DIR', message, options)
  }
}

export class KeyError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEY', message, options)
  }
}

/** The API of a running node could not be reached or refused the request. */
export class ApiError extends PictorError {
  readonly status: number
  constructor(status: number, message: string) {
    super('API', message)
    this.status = status
  }
}
