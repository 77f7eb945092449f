import type { MessageMap } from '../codec.ts'
import type { MessageTypeName } from '../constants.ts'

/**
 * The rules one message type adds to the common pipeline (SPEC R28-R31).
 * `fields` and `timely` throw ValidationError; both are pure.
 */
export interface MessageRules<K extends MessageTypeName> {
  /** Field ranges and self-consistency (R40-R49): REJECT. `signer` is the envelope's public key. */
  fields(msg: MessageMap[K], signer: Uint8Array): void
  /** The message's own time, checked against clock skew and staleness (R29, R30). */
  timestampMs(msg: MessageMap[K]): number
  /** Time rules beyond R29/R30 (a lease that already expired). */
  timely?(msg: MessageMap[K], nowMs: number): void
  /** Replay by sequence number per signer instead of by payload hash (R31). */
  seq?(msg: MessageMap[K]): number
  /** The job the message is about, which a gossiping node must have seen announced (R37). */
  jobId?(msg: MessageMap[K]): Uint8Array
}
