import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SettingsError } from '../../../../../node/renderers/blender/errors.ts'
import { blenderArgs, blenderEnv, blenderFileFormat, borderPixels, checkCrop, checkFrames, cropBorder, prlimitArgs, resolveSettings } from '../../../../../node/renderers/blender/task-spec.ts'
import { renderSettingsOf } from '../../../../../node/renderers/render-settings.ts'

const OFFERED = { engines: ['CYCLES', 'BLENDER_EEVEE'], devices: ['CPU'] }
const BASE = { width: 96, height: 54, samples: 8, seed: 42 }

describe('crop border', () => {
  it('lands on exactly the requested pixels after Blender truncates the float border', () => {
    // Blender stores the border as float32 and truncates border * size to int.
    const crop = fc.integer({ min: 1, max: 16_384 }).chain((width) =>
      fc.integer({ min: 1, max: 16_384 }).chain((height) =>
        fc.record({
          size: fc.constant({ width, height }),
          x: fc.integer({ min: 0, max: width - 1 }),
          y: fc.integer({ min: 0, max: height - 1 })
        }).chain(({ size, x, y }) =>
          fc.record({ size: fc.constant(size), crop: fc.record({ x: fc.constant(x), y: fc.constant(y), width: fc.integer({ min: 1, max: width - x }), height: fc.integer({ min: 1, max: height - y }) }) })
        )
      )
    )
    fc.assert(
      fc.property(crop, ({ size, crop }) => {
        expect(borderPixels(cropBorder(crop, size), size)).toEqual(crop)
      }),
      { numRuns: 2000 }
    )
  })

  it('flips y: Blender counts rows from the bottom', () => {
    const b = cropBorder({ x: 0, y: 0, width: 10, height: 10 }, { width: 100, height: 100 })
    expect(b.maxY).toBe(1)
    expect(b.minY).toBeCloseTo(0.905)
  })

  it('refuses crops outside the frame', () => {
    expect(() => checkCrop({ x: 90, y: 0, width: 7, height: 1 }, BASE)).toThrow(SettingsError)
    expect(() => checkCrop({ x: 0, y: -1, width: 1, height: 1 }, BASE)).toThrow(SettingsError)
    expect(() => checkCrop({ x: 0.5, y: 0, width: 1, height: 1 }, BASE)).toThrow(SettingsError)
    expect(() => checkCrop({ x: 95, y: 53, width: 1, height: 1 }, BASE)).not.toThrow()
  })
})

describe('settings', () => {
  it('defaults to Cycles on the CPU', () => {
    expect(resolveSettings(BASE, OFFERED)).toEqual({ ...BASE, engine: 'CYCLES', device: 'CPU' })
  })

  it('refuses what this Blender does not offer', () => {
    expect(() => resolveSettings({ ...BASE, engine: 'LUXCORE' }, OFFERED)).toThrow(/engine "LUXCORE" is not offered/)
    expect(() => resolveSettings({ ...BASE, device: 'GPU' }, OFFERED)).toThrow(/device "GPU" is not available/)
    expect(() => resolveSettings({ ...BASE, device: 'OPTIX' }, { ...OFFERED, devices: ['CPU', 'CUDA'] })).toThrow(SettingsError)
    expect(resolveSettings({ ...BASE, device: 'GPU' }, { ...OFFERED, devices: ['CPU', 'CUDA'] }).device).toBe('GPU')
  })

  it('has Blender write PNG for PNG and JPEG jobs (the node encodes the JPEG) and OpenEXR for EXR jobs', () => {
    expect([undefined, 'PNG', 'JPEG', 'EXR'].map(blenderFileFormat)).toEqual(['PNG', 'PNG', 'PNG', 'OPEN_EXR'])
    expect(() => blenderFileFormat('TIFF')).toThrow(/format "TIFF" is not one of PNG, JPEG, EXR/)
  })

  it('takes the format from the announcement, where empty means PNG', () => {
    const a = { width: 96, height: 54, samples: 8, seed: 1, engine: '', device: '' }
    expect(renderSettingsOf({ ...a, outputFormat: '' }).format).toBeUndefined()
    expect(renderSettingsOf({ ...a, outputFormat: 'EXR' }).format).toBe('EXR')
    expect(renderSettingsOf({ ...a, outputFormat: 'JPEG' }).format).toBe('JPEG')
  })

  it('refuses out-of-range numbers', () => {
    for (const bad of [{ width: 0 }, { height: 20_000 }, { samples: 0 }, { samples: 1.5 }, { seed: -1 }, { seed: 2 ** 31 }]) {
      expect(() => resolveSettings({ ...BASE, ...bad }, OFFERED)).toThrow(SettingsError)
    }
  })

  it('checks frame lists', () => {
    expect(() => checkFrames([])).toThrow(/no frames/)
    expect(() => checkFrames([1, 1])).toThrow(/twice/)
    expect(() => checkFrames([-1])).toThrow(SettingsError)
    expect(() => checkFrames([2_000_000])).toThrow(SettingsError)
    expect(() => checkFrames([0, 5, 1_048_574])).not.toThrow()
  })
})

describe('command line and environment', () => {
  it('always starts Blender headless, factory settings, no autoexec, no audio, our script last', () => {
    const args = blenderArgs({ scenePath: '/job/scene.blend', scriptPath: '/p/render_task.py', taskJsonPath: '/w/task.json' })
    expect(args.slice(0, 4)).toEqual(['-b', '--factory-startup', '--disable-autoexec', '-noaudio'])
    expect(args.indexOf('/job/scene.blend')).toBeLessThan(args.indexOf('--python'))
    expect(args.slice(-2)).toEqual(['--', '/w/task.json'])
    expect(() => blenderArgs({ scenePath: '-P evil.py', scriptPath: '/s', taskJsonPath: '/t' })).toThrow(/absolute/)
  })

  it('builds a fresh environment without the operator\'s Python settings', () => {
    const env = blenderEnv({ PATH: '/usr/bin', PYTHONPATH: '/evil', PYTHONHOME: '/evil', PYTHONSTARTUP: '/evil.py', SECRET_TOKEN: 'x', CUDA_VISIBLE_DEVICES: '0' }, '/w/home', '/w/tmp')
    expect(env.PYTHONPATH).toBeUndefined()
    expect(env.PYTHONHOME).toBeUndefined()
    expect(env.PYTHONSTARTUP).toBeUndefined()
    expect(env.SECRET_TOKEN).toBeUndefined()
    expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/w/home', TMPDIR: '/w/tmp', CUDA_VISIBLE_DEVICES: '0', PYTHONNOUSERSITE: '1' })
    for (const key of ['BLENDER_USER_CONFIG', 'BLENDER_USER_SCRIPTS', 'BLENDER_USER_DATAFILES']) expect(env[key]?.startsWith('/w/home/')).toBe(true)
  })

  it('caps memory, CPU time, file size and core files through prlimit', () => {
    expect(prlimitArgs({ memoryBytes: 1024, cpuSeconds: 60, fileBytes: 2048 })).toEqual(['--data=1024', '--cpu=60:65', '--fsize=2048', '--core=0', '--'])
    expect(prlimitArgs({ memoryBytes: 0, cpuSeconds: 60, fileBytes: 2048 })).not.toContain('--data=0')
  })
})
