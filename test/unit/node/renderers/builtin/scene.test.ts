import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseScene, SceneError, sceneFromJson } from '../../../../../node/renderers/builtin/index.ts'
import { DEMO_PATH, type LooseJson, TINY_PATH, tinyJson } from './helpers.ts'

/** The tiny scene with one change applied, validated; returns the error message or 'ok'. */
function messageFor(change: (scene: LooseJson) => void): string {
  const scene = tinyJson()
  change(scene)
  try {
    sceneFromJson(scene)
    return 'ok'
  } catch (err) {
    expect(err).toBeInstanceOf(SceneError)
    expect((err as SceneError).code).toBe('SCENE_INVALID')
    return (err as Error).message
  }
}

describe('scene format', () => {
  it('accepts the shipped scenes', () => {
    const tiny = parseScene(readFileSync(TINY_PATH))
    expect(tiny.objects).toHaveLength(6)
    expect(tiny.materials.map((m) => m.kind)).toEqual(['diffuse', 'diffuse', 'metal', 'glass', 'emissive'])
    expect(tiny.animation[0].target).toEqual({ kind: 'object', object: 1 })
    const demo = parseScene(readFileSync(DEMO_PATH, 'utf8'))
    expect(demo.animation.length).toBeGreaterThan(0)
  })

  it('fills in defaults', () => {
    const scene = sceneFromJson({
      version: 1,
      camera: { position: [0, 0, 5], lookAt: [0, 0, 0] },
      materials: { m: { kind: 'glass' } },
      objects: [{ kind: 'sphere', material: 'm', position: [0, 0, 0], radius: 1 }]
    })
    expect(scene.camera).toMatchObject({ up: [0, 1, 0], fov: 40, aperture: 0, focusDistance: undefined })
    expect(scene.background).toEqual({ kind: 'color', color: [0, 0, 0] })
    expect(scene.materials[0]).toEqual({ kind: 'glass', ior: 1.5 })
    expect(scene.maxDepth).toBe(8)
    expect(scene.lights).toEqual([])
    expect(scene.animation).toEqual([])
  })

  it.each([
    ['not JSON', () => parseScene('{"version": 1,'), /^scene: not valid JSON/],
    ['too big', () => parseScene(' '.repeat(4 * 1024 * 1024 + 1)), /^scene: file is 4194305 bytes, more than the limit of 4194304$/],
    ['not an object', () => parseScene('[1, 2]'), /^scene: scene must be an object$/]
  ])('rejects a file that is %s', (_, run, message) => {
    expect(run).toThrow(SceneError)
    expect(run).toThrow(message)
  })

  it.each<[string, (s: LooseJson) => void, string]>([
    ['a wrong version', (s) => { s.version = 2 }, 'scene: version must be 1'],
    ['an unknown field', (s) => { s.lighting = [] }, 'scene: scene has unknown field "lighting"'],
    ['a missing camera', (s) => { delete s.camera }, 'scene: camera must be an object'],
    ['a camera looking at itself', (s) => { s.camera.lookAt = s.camera.position }, 'scene: camera.lookAt must differ from camera.position'],
    ['a bad field of view', (s) => { s.camera.fov = 180 }, 'scene: camera.fov must be a positive number no larger than 179'],
    ['a negative radius', (s) => { s.objects[3].radius = -1 }, 'scene: objects[3].radius must be a positive number no larger than 1000000'],
    ['an infinite number', (s) => { s.objects[1].position = [0, Number.POSITIVE_INFINITY, 0] }, 'scene: objects[1].position[1] must be a number between -1000000 and 1000000'],
    ['a string for a number', (s) => { s.lights[0].intensity = '20' }, 'scene: lights[0].intensity must be a number between 0 and 1000000'],
    ['a short vector', (s) => { s.objects[1].position = [0, 1] }, 'scene: objects[1].position must be an array of 3 numbers'],
    ['an unknown object kind', (s) => { s.objects[1].kind = 'torus' }, 'scene: objects[1].kind must be one of "sphere", "plane", "box", "mesh"'],
    ['a field of another kind', (s) => { s.objects[1].size = [1, 1, 1] }, 'scene: objects[1] of kind "sphere" does not take "size"'],
    ['an unknown material kind', (s) => { s.materials.red.kind = 'velvet' }, 'scene: materials.red.kind must be one of "diffuse", "metal", "glass", "emissive"'],
    ['an unknown material', (s) => { s.objects[2].material = 'gold' }, 'scene: objects[2].material names an unknown material "gold"'],
    ['an albedo above 1', (s) => { s.materials.red.albedo = [1.5, 0, 0] }, 'scene: materials.red.albedo[0] must be a number between 0 and 1'],
    ['no materials', (s) => { s.materials = {} }, 'scene: materials must define at least one material'],
    ['no objects', (s) => { s.objects = [] }, 'scene: objects must have at least 1 entry'],
    ['a repeated object name', (s) => { s.objects[2].name = 'ball' }, 'scene: objects[2].name repeats the name "ball"'],
    ['a bad object name', (s) => { s.objects[2].name = 'a b' }, 'scene: objects[2].name must be a name of 1 to 64 letters, digits, "_" or "-"'],
    ['a zero plane normal', (s) => { s.objects[0].normal = [0, 0, 0] }, 'scene: objects[0].normal must not be zero'],
    ['a mesh index out of range', (s) => { s.objects[5].indices[4] = 4 }, 'scene: objects[5].indices[4] must be an integer between 0 and 3'],
    ['a ragged vertex list', (s) => { s.objects[5].vertices.push(1) }, 'scene: objects[5].vertices must be a flat list of x, y, z triples'],
    ['an area light without area', (s) => { s.lights[1].edgeV = [2, 0, 0] }, 'scene: lights[1] edgeU and edgeV must span a rectangle (not parallel or zero)'],
    ['a mixed-up light', (s) => { s.lights[0].corner = [0, 0, 0] }, 'scene: lights[0] of kind "point" takes "position", not "corner"/"edgeU"/"edgeV"'],
    ['a sky with a color', (s) => { s.background.color = [1, 1, 1] }, 'scene: background of kind "sky" takes "horizon" and "zenith", not "color"'],
    ['an unknown animation target', (s) => { s.animation[0].target = 'objects.nothing.position' }, 'scene: animation[0].target names an unknown object "nothing"'],
    ['a malformed animation target', (s) => { s.animation[0].target = 'lights[0].position' }, 'scene: animation[0].target must be "camera.position", "camera.lookAt" or "objects.<name>.position"'],
    ['two tracks on one target', (s) => { s.animation[1].target = 'objects.ball.position' }, 'scene: animation[1].target repeats "objects.ball.position": one track per target'],
    ['keys out of order', (s) => { s.animation[0].keys[1].frame = 1 }, 'scene: animation[0].keys[1].frame must be greater than the previous key\'s frame'],
    ['a fractional key frame', (s) => { s.animation[0].keys[0].frame = 0.5 }, 'scene: animation[0].keys[0].frame must be an integer between -1000000 and 1000000'],
    ['an unknown interpolation', (s) => { s.animation[0].interpolation = 'cubic' }, 'scene: animation[0].interpolation must be one of "linear", "smoothstep"'],
    ['a bad maxDepth', (s) => { s.maxDepth = 0 }, 'scene: maxDepth must be an integer between 1 and 64']
  ])('rejects %s with one clear line', (_, change, message) => {
    expect(messageFor(change)).toBe(message)
  })

  it.each<[string, (s: LooseJson) => void, string]>([
    ['objects', (s) => { s.objects = Array.from({ length: 10_001 }, () => s.objects[1]) }, 'scene: objects has 10001 entries, more than the limit of 10000'],
    ['triangles', (s) => {
      const half = { kind: 'mesh', material: 'red', vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: new Array(150_000).fill(0) }
      s.objects.push(half, half, half)
    }, 'scene: objects[7].indices brings the scene to 100004 triangles, more than the limit of 100000'],
    ['keyframes', (s) => { s.animation[0].keys = Array.from({ length: 10_001 }, (_, i) => ({ frame: i, value: [0, 0, 0] })) }, 'scene: animation[0].keys has 10001 entries, more than the limit of 10000'],
    ['lights', (s) => { s.lights = new Array(65).fill(s.lights[0]) }, 'scene: lights has 65 entries, more than the limit of 64']
  ])('enforces the limit on %s', (_, change, message) => {
    expect(messageFor(change)).toBe(message)
  })

  it('throws nothing but SceneError for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseScene(JSON.stringify(value) ?? 'null')
        } catch (err) {
          if (!(err instanceof SceneError)) throw err
        }
      }),
      { numRuns: 300 }
    )
  })

  it('throws nothing but SceneError when any part of a valid scene is replaced', () => {
    // Walks a random path into the tiny scene and swaps in arbitrary JSON, so
    // the fuzzing reaches deep validators rather than failing at the top.
    const mutated = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 3 })).map(([steps, value]) => {
      const scene = tinyJson()
      let node: LooseJson = scene
      for (let i = 0; i < steps.length; i++) {
        const keys = Object.keys(node)
        if (keys.length === 0) break
        const key = keys[steps[i] % keys.length]
        if (i === steps.length - 1 || typeof node[key] !== 'object' || node[key] === null) {
          node[key] = value
          break
        }
        node = node[key]
      }
      return scene
    })
    fc.assert(
      fc.property(mutated, (scene) => {
        try {
          parseScene(JSON.stringify(scene))
        } catch (err) {
          if (!(err instanceof SceneError)) throw err
          expect(err.message).toMatch(/^scene: [^\n]+$/)
        }
      }),
      { numRuns: 500 }
    )
  })
})
