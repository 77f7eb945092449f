// Every choice the verification layer makes (which frames, which tiles,
// which checkers) is drawn from a beacon value that did not exist when the
// worker committed, bound to that commitment. Only sha256 and 32-bit
// integer arithmetic are used, so any implementation, and any auditor,
// recomputes the same choices bit for bit (SPEC R100).
import { concat, u32be, utf8 } from '../bytes.ts'
import { HASH_BYTES, JOB_ID_BYTES, VERIFICATION, VERIFICATION_DOMAIN } from '../constants.ts'
import { sha256 } from '../crypto.ts'
import { VerificationError } from './errors.ts'

/** The commitment a beacon-derived choice is about. */
export interface CommitmentRef {
  jobId: Uint8Array
  taskIndex: number
  merkleRoot: Uint8Array
}

/**
 * sha256(UTF-8 "pictor/v1/verification" || 0x00 || beacon (32) || job id (32)
 * || task index (u32 big-endian) || merkle root (32)). Binding the root means
 * a beacon reused for a different commitment gives unrelated choices.
 */
export function taskSeed(beacon: Uint8Array, ref: CommitmentRef): Uint8Array {
  if (beacon.byteLength !== VERIFICATION.beaconBytes) throw new VerificationError('BAD_INPUT', `beacon must be ${VERIFICATION.beaconBytes} bytes`)
  if (ref.jobId.byteLength !== JOB_ID_BYTES) throw new VerificationError('BAD_INPUT', `job id must be ${JOB_ID_BYTES} bytes`)
  if (ref.merkleRoot.byteLength !== HASH_BYTES) throw new VerificationError('BAD_INPUT', `merkle root must be ${HASH_BYTES} bytes`)
  if (!Number.isInteger(ref.taskIndex) || ref.taskIndex < 0 || ref.taskIndex > 0xffffffff) throw new VerificationError('BAD_INPUT', 'task index is not a u32')
  return sha256(concat(utf8(VERIFICATION_DOMAIN), new Uint8Array([0]), beacon, ref.jobId, u32be(ref.taskIndex), ref.merkleRoot))
}

/**
 * A stream of u32 values: block i = sha256(seed || UTF-8 label || 0x00 ||
 * i (u32 big-endian)), read as eight big-endian u32s. Labels keep the
 * frame, tile and escalation draws independent of each other.
 */
export class BeaconStream {
  private readonly head: Uint8Array
  private block: Uint8Array = new Uint8Array(0)
  private offset = 0
  private counter = 0

  constructor(seed: Uint8Array, label: string) {
    this.head = concat(seed, utf8(label), new Uint8Array([0]))
  }

  nextU32(): number {
    if (this.offset >= this.block.byteLength) {
      this.block = sha256(concat(this.head, u32be(this.counter++)))
      this.offset = 0
    }
    const b = this.block
    const i = this.offset
    this.offset += 4
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
  }

  /** Uniform integer in [0, n), n <= 2^32, by rejection (no modulo bias). */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new VerificationError('BAD_INPUT', `cannot draw below ${n}`)
    const limit = 2 ** 32 - (2 ** 32 % n)
    for (;;) {
      const x = this.nextU32()
      if (x < limit) return x % n
    }
  }

  /**
   * The first `count` entries of a uniformly random permutation of `items`
   * (a partial Fisher-Yates shuffle). A longer prefix extends a shorter one,
   * which is what lets a checker accept any sample size but never a
   * hand-picked sample (R101).
   */
  prefix<T>(items: readonly T[], count: number): T[] {
    const pool = [...items]
    const n = Math.min(count, pool.length)
    for (let i = 0; i < n; i++) {
      const j = i + this.below(pool.length - i)
      const tmp = pool[i]!
      pool[i] = pool[j]!
      pool[j] = tmp
    }
    return pool.slice(0, n)
  }
}
