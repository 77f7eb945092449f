import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JobSpecError } from '../../../../protocol/errors.ts'
import { compareVersions, parseVersion, parseVersionRequest, type Version, versionSatisfies } from '../../../../protocol/job/renderer-version.ts'
import { validateJobSpec } from '../../../../protocol/job/spec.ts'

const part = fc.integer({ min: 0, max: 40 })
const version = fc.tuple(part, part, part) as fc.Arbitrary<Version>
const text = (v: Version) => v.join('.')
const cmp = compareVersions

describe('versionSatisfies', () => {
  it.each([
    ['3.4.1', '3.4', true],
    ['3.4.0', '3.4', true],
    ['3.5.0', '3.4', false],
    ['3.4.1', '3.4.1', true],
    ['3.4.2', '3.4.1', false],
    ['3.4.1', '3', true],
    ['4.2', '4.2.0', true],
    ['3.6.0', '>=3.6', true],
    ['3.5.9', '>=3.6', false],
    ['4.1.9', '>=3.6 <4.2', true],
    ['4.2.0', '>=3.6 <4.2', false],
    ['4.2.9', '<=4.2', true],
    ['4.3.0', '<=4.2', false],
    ['3.6.9', '>3.6', false],
    ['3.7.0', '>3.6', true],
    ['3.4.1', '>= 3.4  <  3.5', true],
    ['3.4.1', '=3.4', true],
    ['3.4.1', '', true],
    ['3.4.1', '>=9', false],
    ['3.4.1-beta', '3.4', false],
    ['3.4.1', 'latest', false]
  ])('%s meets %j: %s', (v, request, expected) => {
    expect(versionSatisfies(v, request)).toBe(expected)
  })

  it('a major.minor request admits exactly that minor release, any patch', () => {
    fc.assert(
      fc.property(version, part, part, (v, major, minor) => {
        expect(versionSatisfies(text(v), `${major}.${minor}`)).toBe(v[0] === major && v[1] === minor)
      })
    )
  })

  it('a full version admits only itself', () => {
    fc.assert(
      fc.property(version, version, (v, w) => {
        expect(versionSatisfies(text(v), text(w))).toBe(cmp(v, w) === 0)
      })
    )
  })

  it('>= and < bound by the version order, and two conditions hold together', () => {
    fc.assert(
      fc.property(version, version, version, (v, lo, hi) => {
        expect(versionSatisfies(text(v), `>=${text(lo)}`)).toBe(cmp(v, lo) >= 0)
        expect(versionSatisfies(text(v), `<${text(hi)}`)).toBe(cmp(v, hi) < 0)
        // An empty range is refused when written, so it admits nothing here.
        expect(versionSatisfies(text(v), `>=${text(lo)} <${text(hi)}`)).toBe(cmp(v, lo) >= 0 && cmp(v, hi) < 0)
      })
    )
  })

  it('> and <= treat a partial version as all its releases', () => {
    fc.assert(
      fc.property(version, part, part, (v, major, minor) => {
        const sameMinorOrBelow = v[0] < major || (v[0] === major && v[1] <= minor)
        expect(versionSatisfies(text(v), `<=${major}.${minor}`)).toBe(sameMinorOrBelow)
        expect(versionSatisfies(text(v), `>${major}.${minor}`)).toBe(!sameMinorOrBelow)
      })
    )
  })

  it('reads any string without throwing', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (v, request) => void versionSatisfies(v, request)))
  })
})

describe('parseVersionRequest', () => {
  it.each([['latest'], ['3.4.1.2'], ['~3.4'], ['3.4,3.5'], ['>=3.6 <4.2 >1 <9 >2'], ['>='], ['3.x'], ['1234567']])('refuses %j with one line', (request) => {
    expect(() => parseVersionRequest(request)).toThrow(JobSpecError)
    expect(() => parseVersionRequest(request)).toThrow(/rendererVersion .*(not a version request|more than 4 conditions)/)
  })

  it('refuses a range that admits no version', () => {
    expect(() => parseVersionRequest('>=4.2 <3.6')).toThrow(/admits no version/)
    expect(() => parseVersionRequest('3.4 3.5')).toThrow(/admits no version/)
  })

  it('throws nothing but JobSpecError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (request) => {
        try {
          parseVersionRequest(request)
        } catch (err) {
          expect(err).toBeInstanceOf(JobSpecError)
        }
      })
    )
  })

  it('pads a worker version to three parts', () => {
    expect(parseVersion('4.2')).toEqual([4, 2, 0])
    expect(parseVersion('1')).toEqual([1, 0, 0])
    expect(parseVersion('4.2 LTS')).toBeUndefined()
  })
})

describe('validateJobSpec rendererVersion', () => {
  const minimal = { renderer: 'blender', sceneBlob: 'ab'.repeat(32), sceneSize: 10, frameStart: 1, frameEnd: 4, width: 320, height: 180, maxPrice: 100 }

  it('refuses a malformed request with a clear message', () => {
    expect(() => validateJobSpec({ ...minimal, rendererVersion: 'newest' })).toThrow(/rendererVersion "newest" is not a version request \(use e\.g\. 3\.4/)
  })

  it('keeps a well-formed request as written', () => {
    expect(validateJobSpec({ ...minimal, rendererVersion: '>=3.6 <4.2' }).rendererVersion).toBe('>=3.6 <4.2')
  })
})
