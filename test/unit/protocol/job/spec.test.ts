import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { JobSpecError } from '../../../../protocol/errors.ts'
import { JOB_SPEC_DEFAULTS, validateJobSpec } from '../../../../protocol/job/spec.ts'
import { sampleSpec } from '../fixtures.ts'

const minimal = { renderer: 'builtin', sceneBlob: 'AB'.repeat(32), sceneSize: 10, frameStart: 1, frameEnd: 4, width: 320, height: 180, maxPrice: 100 }

function errorOf(input: unknown): JobSpecError {
  try {
    validateJobSpec(input)
  } catch (err) {
    if (err instanceof JobSpecError) return err
    throw err
  }
  throw new Error('expected a JobSpecError')
}

describe('validateJobSpec: formats, filters and tiers', () => {
  it('takes PNG, JPEG and EXR from Blender jobs, PNG only from the builtin renderer', () => {
    expect(validateJobSpec({ ...minimal, renderer: 'blender', outputFormat: 'EXR' }).outputFormat).toBe('EXR')
    expect(validateJobSpec({ ...minimal, outputFormat: '' }).outputFormat).toBe('PNG')
    expect(errorOf({ ...minimal, outputFormat: 'JPEG' }).message).toMatch(/builtin renderer writes PNG only/)
    expect(errorOf({ ...minimal, renderer: 'blender', outputFormat: 'TIFF' }).message).toMatch(/one of PNG, JPEG, EXR/)
  })

  it('bounds regions, GPU count and the comment', () => {
    expect(validateJobSpec({ ...minimal, regions: ['eu-west', 'us-east'] }).regions).toEqual(['eu-west', 'us-east'])
    expect(errorOf({ ...minimal, regions: Array(9).fill('x') }).field).toBe('regions')
    expect(errorOf({ ...minimal, regions: [''] }).field).toBe('regions')
    expect(errorOf({ ...minimal, regions: 'eu-west' }).field).toBe('regions')
    expect(errorOf({ ...minimal, minGpuCount: LIMITS.maxGpuCount + 1 }).field).toBe('minGpuCount')
    expect(errorOf({ ...minimal, comment: 'x'.repeat(1025) }).message).toMatch(/longer than 1024 bytes/)
  })

  it("keeps a tier's price cap inside its band", () => {
    expect(validateJobSpec({ ...minimal, tier: 2, maxPrice: 600 }).tier).toBe(2)
    expect(errorOf({ ...minimal, tier: 1, maxPrice: 1000 }).message).toMatch(/tier 1 \(premium\) needs a price cap from 1500 to 10000, got 1000/)
    expect(errorOf({ ...minimal, tier: 4 }).field).toBe('tier')
  })
})

describe('validateJobSpec', () => {
  it('fills defaults and normalises the scene id', () => {
    const spec = validateJobSpec(minimal)
    expect(spec).toMatchObject({ ...JOB_SPEC_DEFAULTS, sceneBlob: 'ab'.repeat(32), renderer: 'builtin' })
  })

  it.each([
    [{ frameStart: 10, frameEnd: 5 }, 'frameEnd', /reversed/],
    [{ frameStart: 0, frameEnd: LIMITS.maxFramesPerJob }, 'frameEnd', /more than/],
    [{ width: 7681 }, 'width', /between 1 and 7680/],
    [{ height: 4321 }, 'height', /between 1 and 4320/],
    [{ width: 0 }, 'width', /between/],
    [{ renderer: 'povray' }, 'renderer', /unknown renderer/],
    [{ maxPrice: -1 }, 'maxPrice', /between 0/],
    [{ maxPrice: LIMITS.maxPrice + 1 }, 'maxPrice', /between/],
    [{ maxPrice: 1.5 }, 'maxPrice', /whole number/],
    [{ samples: 0 }, 'samples', /between/],
    [{ framesPerTask: 0 }, 'framesPerTask', /between/],
    [{ sceneBlob: 'xyz' }, 'sceneBlob', /hex/],
    [{ sceneSize: undefined }, 'sceneSize', /required/],
    [{ engine: 'x'.repeat(LIMITS.maxStringBytes + 1) }, 'engine', /longer/],
    [{ seed: 2 ** 32 }, 'seed', /between/],
    [{ frameStart: '1' }, 'frameStart', /whole number/]
  ])('rejects %j', (change, field, message) => {
    const err = errorOf({ ...minimal, ...change })
    expect(err.field).toBe(field)
    expect(err.code).toBe('JOB_SPEC')
    expect(err.message).toMatch(message)
    expect(err.message).not.toContain('\n')
  })

  it('rejects non-objects', () => {
    expect(errorOf(null).field).toBe('spec')
    expect(errorOf([1]).field).toBe('spec')
  })

  it('rejects a job the ledger could not escrow', () => {
    const err = errorOf({ ...minimal, maxPrice: LIMITS.maxPrice, frameStart: 0, frameEnd: LIMITS.maxFramesPerJob - 1, width: 7680, height: 4320, samples: LIMITS.maxSamples })
    expect(err.field).toBe('maxPrice')
  })

  it('accepts the full sample spec unchanged', () => {
    const spec = sampleSpec()
    expect(validateJobSpec(spec)).toEqual(spec)
  })
})
