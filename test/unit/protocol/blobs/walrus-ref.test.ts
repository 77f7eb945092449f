import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JobSpecError, LIMITS, ProtocolError, parseWalrusRef, validateJobSpec, walrusRefProblem } from '../../../../protocol/index.ts'

const ID = 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk'
const SPEC = { renderer: 'builtin', sceneBlob: 'ab'.repeat(32), sceneSize: 500, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 16, height: 16, samples: 1, seed: 1, maxPrice: 10, timeoutStopS: 60 }

describe('Walrus refs (R75)', () => {
  it('locates bytes in one blob, or anywhere in a parts object', () => {
    expect(walrusRefProblem({ blobId: ID, parts: false, offset: 0 }, 10)).toBeUndefined()
    expect(walrusRefProblem({ blobId: ID, parts: false, offset: LIMITS.maxWalrusBlobBytes - 10 }, 11)).toMatch(/single walrus blob/)
    expect(walrusRefProblem({ blobId: ID, parts: true, offset: LIMITS.maxWalrusBlobBytes }, 11)).toBeUndefined()
    expect(walrusRefProblem({ blobId: ID, parts: true, offset: LIMITS.maxWalrusObjectBytes }, 1)).toMatch(/range/)
    expect(walrusRefProblem({ blobId: `${ID}=`, parts: false, offset: 0 }, 1)).toMatch(/43 characters/)
    expect(walrusRefProblem({ blobId: ID, parts: false, offset: -1 }, 1)).toMatch(/offset/)
  })

  it('parses untrusted JSON into a ref or one ProtocolError line', () => {
    expect(parseWalrusRef({ blobId: ID }, 5, 'ref')).toEqual({ blobId: ID, parts: false, offset: 0 })
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: -1, max: 2 ** 40 }), (value, size) => {
        try {
          const ref = parseWalrusRef(value, size, 'ref')
          expect(walrusRefProblem(ref, size)).toBeUndefined()
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError)
          expect((err as Error).message).not.toContain('\n')
        }
      }),
      { numRuns: 10_000 }
    )
  })

  it('job specs carry sceneProject and an optional scene ref, checked', () => {
    const spec = validateJobSpec({ ...SPEC, sceneProject: true, sceneWalrus: { blobId: ID, parts: false, offset: 3 } })
    expect(spec.sceneProject).toBe(true)
    expect(spec.sceneWalrus).toEqual({ blobId: ID, parts: false, offset: 3 })
    expect(validateJobSpec(SPEC).sceneProject).toBe(false)
    expect(validateJobSpec(SPEC).sceneWalrus).toBeUndefined()
    expect(() => validateJobSpec({ ...SPEC, sceneProject: 'yes' })).toThrow(JobSpecError)
    expect(() => validateJobSpec({ ...SPEC, sceneWalrus: { blobId: 'x' } })).toThrow(/sceneWalrus/)
  })
})
