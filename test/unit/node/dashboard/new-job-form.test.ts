// The New job page's form-to-request mapping (browser code, plain JS): its
// presets and tier labels say what the protocol says, and whatever is typed
// reaches the server's validation as typed, so the page has no rules of
// its own and a valid form becomes exactly the spec the CLI would build.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JOB_SPEC_DEFAULTS, LIMITS, OUTPUT_FORMATS, RESOLUTION_PRESETS, TIERS, validateJobSpec } from '../../../../protocol/index.ts'
import { formatPic as walletFormatPic } from '../../../../node/ledger/wallet.ts'

type Form = Record<string, string | boolean>
interface FormModule {
  RESOLUTIONS: Record<string, { width: number; height: number }>
  TIERS: { tier: number; label: string }[]
  OUTPUT_FORMATS: string[]
  TIME_UNITS: Record<string, number>
  INITIAL_FORM: Form
  rendererFor(fileName: string, project: boolean): string
  jobBody(form: Form, scene: { id: string; size: number; project: boolean } | undefined): Record<string, unknown>
  testFrameBody(body: Record<string, unknown>): Record<string, unknown>
  formatPic(micro: string): string
}

// Browser code is JavaScript outside this project's TypeScript build: imported by URL, typed here.
const MODULE = new URL('../../../../node/dashboard/web/pages/new-job/form-state.js', import.meta.url).href
const page = (await import(MODULE)) as FormModule

const SCENE = { id: 'ab'.repeat(32), size: 2130, project: false }
const form = (fields: Form): Form => ({ ...page.INITIAL_FORM, ...fields })

describe('New job form state', () => {
  it('offers the protocol resolution presets the issue names, with the protocol sizes', () => {
    expect(Object.keys(page.RESOLUTIONS)).toEqual(['HD', 'FHD', 'QHD', '4K', '8K'])
    for (const [name, size] of Object.entries(page.RESOLUTIONS)) expect(size).toEqual(RESOLUTION_PRESETS[name])
  })

  it('labels each tier with its protocol name, verification level and price band', () => {
    expect(page.TIERS.map((t) => t.tier)).toEqual([0, 1, 2, 3])
    for (const n of [1, 2, 3] as const) {
      const { name, verification, priceBand } = TIERS[n]
      expect(page.TIERS[n]!.label).toBe(`${name}: ${verification} verification, price cap ${priceBand[0]}-${priceBand[1]}`)
    }
    expect(page.OUTPUT_FORMATS).toEqual([...OUTPUT_FORMATS])
  })

  it('guesses the renderer from the scene as the CLI does', () => {
    expect(page.rendererFor('shot.blend', false)).toBe('blender')
    expect(page.rendererFor('SHOT.BLEND', false)).toBe('blender')
    expect(page.rendererFor('tiny.json', false)).toBe('builtin')
    expect(page.rendererFor('anything', true)).toBe('blender')
  })

  it('leaves empty fields out, so the spec gets the protocol defaults', () => {
    const spec = validateJobSpec(page.jobBody(form({ frameEnd: '4', maxPrice: '1000' }), SCENE))
    expect(spec).toMatchObject({ ...JOB_SPEC_DEFAULTS, renderer: 'builtin', sceneBlob: SCENE.id, sceneSize: SCENE.size, sceneProject: false, frameStart: 1, frameEnd: 4, width: 1920, height: 1080, maxPrice: 1000 })
    expect(page.jobBody(form({}), SCENE)).not.toHaveProperty('frameEnd')
  })

  it('turns any valid typed form into the spec with those values', () => {
    const int = (min: number, max: number) => fc.integer({ min, max }).map(String)
    fc.assert(
      fc.property(
        fc.record({
          frameStart: int(0, 1000),
          frames: fc.integer({ min: 1, max: 500 }),
          framesPerTask: int(1, LIMITS.maxFramesPerTask),
          resolution: fc.constantFrom('HD', 'FHD', 'QHD', '4K', '8K', 'custom'),
          width: int(1, LIMITS.maxWidth),
          height: int(1, LIMITS.maxHeight),
          samples: int(1, LIMITS.maxSamples),
          seed: int(0, 0xffffffff),
          maxPrice: int(0, 1_000_000),
          timeoutStop: int(1, 7),
          timeoutStopUnit: fc.constantFrom('minutes', 'hours', 'days'),
          regions: fc.array(fc.constantFrom('eu-west', 'us-east', 'ap'), { maxLength: 3 }),
          minRamGib: int(0, 512),
          engine: fc.constantFrom('', 'CYCLES', 'BLENDER_EEVEE'),
          name: fc.string({ maxLength: 40 })
        }),
        ({ frames, ...f }) => {
          const typed = form({ ...f, renderer: 'blender', frameEnd: String(Number(f.frameStart) + frames - 1), regions: f.regions.map((r) => ` ${r} `).join(','), testFrame: true })
          const spec = validateJobSpec(page.jobBody(typed, SCENE))
          const preset = page.RESOLUTIONS[f.resolution]
          expect(spec).toMatchObject({
            frameStart: Number(f.frameStart),
            frameEnd: Number(f.frameStart) + frames - 1,
            framesPerTask: Number(f.framesPerTask),
            width: preset?.width ?? Number(f.width),
            height: preset?.height ?? Number(f.height),
            samples: Number(f.samples),
            seed: Number(f.seed),
            maxPrice: Number(f.maxPrice),
            timeoutStopS: Number(f.timeoutStop) * page.TIME_UNITS[f.timeoutStopUnit]!,
            regions: f.regions,
            minRamMib: Number(f.minRamGib) * 1024,
            engine: f.engine,
            name: f.name.trim()
          })
          const test = validateJobSpec(page.testFrameBody(page.jobBody(typed, SCENE)))
          expect(test).toEqual({ ...spec, frameEnd: spec.frameStart, framesPerTask: 1 })
        }
      )
    )
  })

  it('passes what is not a number through as typed, for the server to refuse in its words', () => {
    const body = page.jobBody(form({ frameEnd: '4', maxPrice: 'lots', samples: '0', timeoutAlert: '90', timeoutAlertUnit: 'minutes' }), SCENE)
    expect(body).toMatchObject({ maxPrice: 'lots', samples: 0, timeoutAlertS: 5400 })
    expect(() => validateJobSpec({ ...body, maxPrice: 1 })).toThrow('samples must be between 1 and 1000000, got 0')
    expect(() => validateJobSpec({ ...body, samples: 1 })).toThrow('maxPrice must be a whole number, got "lots"')
  })

  it('marks a project scene as one', () => {
    expect(page.jobBody(form({}), { ...SCENE, project: true })).toMatchObject({ sceneProject: true })
  })

  it('prints µPIC as PIC the way the CLI does', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        expect(page.formatPic(String(n))).toBe(walletFormatPic(n))
      })
    )
  })
})
