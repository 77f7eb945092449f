// The wire fuzzer of the malformed scenario: fast-check properties over the
// protocol's codecs and validators, fed random bytes and mutations of valid
// signed messages (flipped bits, overwritten, inserted and deleted bytes,
// truncation), and mutated payloads signed again so they reach the rules
// behind the signature. Each entry point may only fail the way it is
// documented to (protocol/errors.ts): decode with DecodeError, parseEnvelope
// with DecodeError or EnvelopeError, the validate* pipelines never throw,
// validateJobSpec with JobSpecError, the manifest parsers with their
// ProtocolError code, openCheckRequest with VerificationError. A mutated
// envelope must never be accepted.
import fc from 'fast-check'
import {
  type CodecName,
  decode,
  DecodeError,
  encode,
  Envelope,
  EnvelopeError,
  JobSpecError,
  MESSAGE_TYPES,
  type MessageTypeName,
  openCheckRequest,
  parseEnvelope,
  parseProjectManifest,
  parseWalrusParts,
  ProtocolError,
  ReplayGuard,
  signingMessage,
  TOPICS,
  toHex,
  type ValidationContext,
  validateGossip,
  validateJobSpec,
  validateSigned,
  validateTaskRequest,
  VerificationError,
  verifyVerdict
} from '../../../protocol/index.ts'
import { ed } from './forge.ts'
import { type FuzzSamples, fuzzSamples } from './fuzz-samples.ts'

type Op = { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; value: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; length: number } | { kind: 'truncate'; at: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() })
)

export function mutate(input: Uint8Array, ops: readonly Op[]): Uint8Array<ArrayBuffer> {
  let b = Uint8Array.from(input)
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % b.length
    if (op.kind === 'flip' && b.length > 0) b[at] = b[at]! ^ (1 << op.bit)
    else if (op.kind === 'set' && b.length > 0) b[at] = op.value
    else if (op.kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), ...op.bytes, ...b.subarray(at)])
    else if (op.kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + op.length)])
    else if (op.kind === 'truncate') b = b.slice(0, at)
  }
  return b
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((x, i) => x === b[i])

/** Bytes a hostile peer might send: random, or a valid sample damaged by 1-4 mutations. */
export function wireBytes(samples: readonly Uint8Array[]): fc.Arbitrary<{ original?: Uint8Array; bytes: Uint8Array }> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ bytes })),
    fc.tuple(fc.constantFrom(...samples), fc.array(opArb, { minLength: 1, maxLength: 4 })).map(([original, ops]) => ({ original, bytes: mutate(original, ops) }))
  )
}

/** A payload of `type` damaged, then signed correctly by `seed`: it passes the signature and meets the rules. */
function resigned(s: FuzzSamples, types: readonly MessageTypeName[]): fc.Arbitrary<{ type: MessageTypeName; bytes: Uint8Array }> {
  return fc.tuple(fc.constantFrom(...types), fc.array(opArb, { minLength: 1, maxLength: 3 })).map(([type, ops]) => {
    const payload = mutate(encode(type, s.payloads[type] as never), ops)
    const bytes = Envelope.encode({ type: MESSAGE_TYPES[type], payload, publicKey: Uint8Array.from(ed.publicKey(s.seed)), signature: Uint8Array.from(ed.sign(s.seed, signingMessage(type, payload))) })
    return { type, bytes }
  })
}

class UndocumentedError extends Error {}

/** Runs `fn`; an error that is not one of `allowed` fails the property with its name and message. */
function onlyThrows(fn: () => unknown, allowed: (err: unknown) => boolean): void {
  try {
    fn()
  } catch (err) {
    if (!allowed(err)) throw new UndocumentedError(`threw ${(err as Error)?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`)
  }
}

const protocolCode = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code

export interface FuzzTarget {
  name: string
  runs: number
  check(seed: number): fc.RunDetails<unknown>
}

function target<T extends [unknown, ...unknown[]]>(name: string, runs: number, property: fc.IProperty<T>): FuzzTarget {
  return { name, runs, check: (seed) => fc.check(property, { numRuns: runs, seed, endOnFailure: true }) as fc.RunDetails<unknown> }
}

/** The properties, with `scale` x their base run counts (1 gives just over 10^5 runs). */
export function fuzzTargets(nowMs: number, scale = 1): FuzzTarget[] {
  const s = fuzzSamples(nowMs)
  const ctx = (): ValidationContext => ({ nowMs, ed, replay: new ReplayGuard() })
  const envelopes = Object.values(s.envelopes)
  const types = Object.keys(s.envelopes) as MessageTypeName[]
  const codecNames = ['Envelope', ...types, 'TaskReply', 'BlobRequest', 'BlobHeader', 'CheckReply', 'CropTile', 'FrameResult', 'Hardware', 'RendererInfo'] as CodecName[]
  const payloadSamples = types.map((t) => encode(t, s.payloads[t] as never))
  const topics = [...Object.values(TOPICS), ...Object.keys(TOPICS)]
  const notAccepted = (result: { action: string }, input: { original?: Uint8Array; bytes: Uint8Array }) => {
    if (result.action === 'ACCEPT' && !(input.original !== undefined && sameBytes(input.original, input.bytes))) throw new UndocumentedError('a damaged message was accepted')
  }
  const verdictCtx = { ed, beacon: s.beacon, commitment: s.commitment, worker: ed.publicKey(s.workerSeed), width: 64, height: 36, checkers: [toHex(ed.publicKey(s.seed))], exclude: [toHex(ed.publicKey(s.workerSeed))], redundancy: 1 }
  const jsonText = fc.oneof(fc.json(), fc.string()).map((t) => new TextEncoder().encode(t))
  const spec = fc.oneof(
    fc.anything(),
    fc.tuple(fc.constantFrom(...Object.keys(s.spec), 'sceneWalrus', 'regions', 'outputFormat', '__proto__'), fc.anything()).map(([k, v]) => ({ ...s.spec, [k]: v }))
  )
  const n = (base: number) => Math.max(1, Math.round(base * scale))
  return [
    target(
      'decode(any codec, bytes) throws only DecodeError',
      n(30_000),
      fc.property(fc.constantFrom(...codecNames), wireBytes([...envelopes, ...payloadSamples]), (name, input) => onlyThrows(() => decode(name, input.bytes), (e) => e instanceof DecodeError))
    ),
    target(
      'parseEnvelope throws only DecodeError or EnvelopeError',
      n(10_000),
      fc.property(wireBytes(envelopes), (input) => onlyThrows(() => parseEnvelope(input.bytes), (e) => e instanceof DecodeError || e instanceof EnvelopeError))
    ),
    target(
      'validateGossip never throws and accepts no damaged message',
      n(15_000),
      fc.property(fc.oneof(fc.constantFrom(...topics), fc.string()), wireBytes(envelopes), (topic, input) => notAccepted(validateGossip(topic, input.bytes, ctx()), input))
    ),
    target(
      'validateTaskRequest never throws and accepts no damaged request',
      n(10_000),
      fc.property(wireBytes(envelopes), (input) => notAccepted(validateTaskRequest(input.bytes, ctx()), input))
    ),
    target(
      'validateSigned never throws on re-signed damaged payloads; openCheckRequest then throws only VerificationError',
      n(12_000),
      fc.property(resigned(s, types), ({ type, bytes }) => {
        const result = validateSigned(bytes, [type], ctx())
        if (result.action === 'ACCEPT' && result.message.typeName === 'CheckRequest') {
          const opened = result.message
          onlyThrows(() => openCheckRequest(ed, opened.payload, opened.publicKey), (e) => e instanceof VerificationError)
        }
      })
    ),
    target(
      'verifyVerdict never throws',
      n(5_000),
      fc.property(fc.oneof(wireBytes([s.envelopes.Verdict]).map((i) => i.bytes), resigned(s, ['Verdict']).map((r) => r.bytes)), (bytes) => {
        const check = verifyVerdict(bytes, verdictCtx)
        if (typeof check.ok !== 'boolean') throw new UndocumentedError('verifyVerdict returned no outcome')
      })
    ),
    target(
      'validateJobSpec throws only JobSpecError',
      n(10_000),
      fc.property(spec, (input) => onlyThrows(() => validateJobSpec(input), (e) => e instanceof JobSpecError))
    ),
    target(
      'parseProjectManifest throws only ProtocolError(PROJECT)',
      n(5_000),
      fc.property(fc.oneof(wireBytes([s.projectManifest]).map((i) => i.bytes), jsonText), (bytes) => onlyThrows(() => parseProjectManifest(bytes), protocolCode('PROJECT')))
    ),
    target(
      'parseWalrusParts throws only ProtocolError(WALRUS_PARTS)',
      n(5_000),
      fc.property(fc.oneof(wireBytes([s.walrusParts]).map((i) => i.bytes), jsonText), (bytes) => onlyThrows(() => parseWalrusParts(bytes), protocolCode('WALRUS_PARTS')))
    )
  ]
}

export interface FuzzReport {
  seed: number
  runs: number
  properties: number
  /** One line per property that broke: its name and the error, with the failing input. */
  failures: string[]
  ms: number
}

export function runFuzz(nowMs: number, seed: number, scale = 1): FuzzReport {
  const start = performance.now()
  const failures: string[] = []
  let runs = 0
  const targets = fuzzTargets(nowMs, scale)
  for (const t of targets) {
    const details = t.check(seed)
    runs += details.numRuns
    if (details.failed) {
      const err = details.errorInstance as Error | undefined
      failures.push(`${t.name}: ${err?.message ?? 'failed'} (fast-check seed ${seed}, counterexample ${JSON.stringify(details.counterexample)?.slice(0, 200)})`)
    }
  }
  return { seed, runs, properties: targets.length, failures, ms: Math.round(performance.now() - start) }
}
