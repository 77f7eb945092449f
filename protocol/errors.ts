// Every error protocol/ throws is a ProtocolError with a stable `code`, so
// callers branch on codes (and metrics count them) instead of parsing text.
// Messages are one line a user can read; the original error rides in `cause`.

export class ProtocolError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProtocolError'
    this.code = code
  }
}

/** The only error that decoding arbitrary bytes may throw. */
export class DecodeError extends ProtocolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DECODE', message, options)
    this.name = 'DecodeError'
  }
}

/** A message we were asked to encode breaks a limit: a bug or bad input on our side. */
export class EncodeError extends ProtocolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ENCODE', message, options)
    this.name = 'EncodeError'
  }
}

export const ENVELOPE_ERROR_CODES = ['NON_CANONICAL', 'UNKNOWN_TYPE', 'WRONG_TYPE', 'BAD_KEY', 'UNSIGNED', 'BAD_SIGNATURE'] as const
export type EnvelopeErrorCode = (typeof ENVELOPE_ERROR_CODES)[number]

/** A well-formed envelope that fails a structural or signature rule (SPEC R10-R16). */
export class EnvelopeError extends ProtocolError {
  declare readonly code: EnvelopeErrorCode

  constructor(code: EnvelopeErrorCode, message: string) {
    super(code, message)
    this.name = 'EnvelopeError'
  }
}

export type ValidationAction = 'ACCEPT' | 'IGNORE' | 'REJECT'

/**
 * A validation rule failed. IGNORE drops the message without blaming the
 * sender (it may be honest but late or duplicated); REJECT drops it and lets
 * gossipsub penalise the peer that forwarded it.
 */
export class ValidationError extends ProtocolError {
  readonly action: Exclude<ValidationAction, 'ACCEPT'>

  constructor(action: Exclude<ValidationAction, 'ACCEPT'>, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'ValidationError'
    this.action = action
  }
}

/** A job spec from a user (CLI, HTTP, file) is unusable; `message` is one line for that user. */
export class JobSpecError extends ProtocolError {
  readonly field: string

  constructor(field: string, message: string) {
    super('JOB_SPEC', message)
    this.name = 'JobSpecError'
    this.field = field
  }
}

/** A task state machine event that is not allowed in the task's current state. */
export class IllegalTransitionError extends ProtocolError {
  readonly from: string
  readonly event: string

  constructor(from: string, event: string, why: string) {
    super('ILLEGAL_TRANSITION', `task ${from}: cannot ${event}: ${why}`)
    this.name = 'IllegalTransitionError'
    this.from = from
    this.event = event
  }
}

export class MerkleError extends ProtocolError {
  constructor(message: string) {
    super('MERKLE', message)
    this.name = 'MerkleError'
  }
}
