// The built-in renderer's scene format (version 1), parsed from untrusted
// JSON into the typed, normalised form the tracer trusts. Names are resolved
// to indices here, so nothing downstream looks anything up by string.

import { SceneError } from './errors.ts'
import { DEFAULT_MAX_DEPTH, MAX_DEPTH, MAX_LIGHTS, MAX_MATERIALS, MAX_SCENE_BYTES } from './limits.ts'
import { parseAnimation, type Track } from './scene-animation.ts'
import { parseObjects, type SceneObject } from './scene-objects.ts'
import { albedo, color, dict, fail, list, name, num, oneOf, optionalNum, optionalVec3, record, vec3 } from './validate.ts'
import { sub, type Vec3 } from './vector.ts'

export type { Track } from './scene-animation.ts'
export type { SceneObject } from './scene-objects.ts'

export interface Camera {
  position: Vec3
  lookAt: Vec3
  up: Vec3
  /** Vertical field of view in degrees. */
  fov: number
  /** Lens diameter; 0 is a pinhole (everything sharp). */
  aperture: number
  /** Distance to the sharp plane; undefined means "at lookAt". */
  focusDistance: number | undefined
}

export type Background = { kind: 'color'; color: Vec3 } | { kind: 'sky'; horizon: Vec3; zenith: Vec3 }

export type Light =
  | { kind: 'point'; position: Vec3; color: Vec3; intensity: number }
  | { kind: 'area'; corner: Vec3; edgeU: Vec3; edgeV: Vec3; color: Vec3; intensity: number }

export type Material =
  | { kind: 'diffuse'; albedo: Vec3; checker: { albedo: Vec3; size: number } | undefined }
  | { kind: 'metal'; albedo: Vec3; fuzz: number }
  | { kind: 'glass'; ior: number }
  | { kind: 'emissive'; color: Vec3; strength: number }

export interface Scene {
  version: 1
  camera: Camera
  background: Background
  lights: Light[]
  materials: Material[]
  objects: SceneObject[]
  animation: Track[]
  maxDepth: number
}

const TOP_FIELDS = ['version', 'description', 'camera', 'background', 'lights', 'materials', 'objects', 'animation', 'maxDepth']

/** Parses and validates scene JSON; throws SceneError with one line naming the problem. */
export function parseScene(input: string | Uint8Array): Scene {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength
  if (size > MAX_SCENE_BYTES) throw new SceneError(`file is ${size} bytes, more than the limit of ${MAX_SCENE_BYTES}`)
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SceneError(`not valid JSON (${(err as Error).message})`, { cause: err })
  }
  return sceneFromJson(json)
}

/** Validates an already-parsed JSON value. */
export function sceneFromJson(json: unknown): Scene {
  const top = record(json, 'scene', TOP_FIELDS)
  if (top.version !== 1) fail('version', 'must be 1')
  if (top.description !== undefined && typeof top.description !== 'string') fail('description', 'must be a string')
  // Checked in the order a person reads the file, so the first error reported is the first in the file.
  const camera = parseCamera(top.camera)
  const background = parseBackground(top.background)
  const lights = list(top.lights ?? [], 'lights', MAX_LIGHTS).map(parseLight)
  const { materials, materialIndex } = parseMaterials(top.materials)
  const objects = parseObjects(top.objects, materialIndex)
  return {
    version: 1,
    camera,
    background,
    lights,
    materials,
    objects,
    animation: parseAnimation(top.animation, objects),
    maxDepth: optionalNum(top.maxDepth, 'maxDepth', DEFAULT_MAX_DEPTH, { integer: true, min: 1, max: MAX_DEPTH })
  }
}

function parseCamera(value: unknown): Camera {
  const c = record(value, 'camera', ['position', 'lookAt', 'up', 'fov', 'aperture', 'focusDistance'])
  const position = vec3(c.position, 'camera.position')
  const lookAt = vec3(c.lookAt, 'camera.lookAt')
  const d = sub(lookAt, position)
  if (d[0] === 0 && d[1] === 0 && d[2] === 0) fail('camera.lookAt', 'must differ from camera.position')
  const up = optionalVec3(c.up, 'camera.up', [0, 1, 0])
  if (up[0] === 0 && up[1] === 0 && up[2] === 0) fail('camera.up', 'must not be zero')
  return {
    position,
    lookAt,
    up,
    fov: optionalNum(c.fov, 'camera.fov', 40, { positive: true, max: 179 }),
    aperture: optionalNum(c.aperture, 'camera.aperture', 0, { min: 0, max: 1000 }),
    focusDistance: c.focusDistance === undefined ? undefined : num(c.focusDistance, 'camera.focusDistance', { positive: true })
  }
}

function parseBackground(value: unknown): Background {
  if (value === undefined) return { kind: 'color', color: [0, 0, 0] }
  const b = record(value, 'background', ['kind', 'color', 'horizon', 'zenith'])
  const kind = oneOf(b.kind, 'background.kind', ['color', 'sky'] as const)
  if (kind === 'color') {
    if (b.horizon !== undefined || b.zenith !== undefined) fail('background', 'of kind "color" takes only "color"')
    return { kind, color: color(b.color, 'background.color') }
  }
  if (b.color !== undefined) fail('background', 'of kind "sky" takes "horizon" and "zenith", not "color"')
  return { kind, horizon: color(b.horizon, 'background.horizon'), zenith: color(b.zenith, 'background.zenith') }
}

function parseLight(value: unknown, i: number): Light {
  const path = `lights[${i}]`
  const l = record(value, path, ['kind', 'position', 'corner', 'edgeU', 'edgeV', 'color', 'intensity'])
  const kind = oneOf(l.kind, `${path}.kind`, ['point', 'area'] as const)
  const lightColor = color(l.color, `${path}.color`, [1, 1, 1])
  const intensity = num(l.intensity, `${path}.intensity`, { min: 0 })
  if (kind === 'point') {
    if (l.corner !== undefined || l.edgeU !== undefined || l.edgeV !== undefined) fail(path, 'of kind "point" takes "position", not "corner"/"edgeU"/"edgeV"')
    return { kind, position: vec3(l.position, `${path}.position`), color: lightColor, intensity }
  }
  if (l.position !== undefined) fail(path, 'of kind "area" takes "corner", "edgeU" and "edgeV", not "position"')
  const edgeU = vec3(l.edgeU, `${path}.edgeU`)
  const edgeV = vec3(l.edgeV, `${path}.edgeV`)
  const n = [edgeU[1] * edgeV[2] - edgeU[2] * edgeV[1], edgeU[2] * edgeV[0] - edgeU[0] * edgeV[2], edgeU[0] * edgeV[1] - edgeU[1] * edgeV[0]]
  if (n[0] === 0 && n[1] === 0 && n[2] === 0) fail(path, 'edgeU and edgeV must span a rectangle (not parallel or zero)')
  return { kind, corner: vec3(l.corner, `${path}.corner`), edgeU, edgeV, color: lightColor, intensity }
}

function parseMaterials(value: unknown): { materials: Material[]; materialIndex: Map<string, number> } {
  const m = dict(value, 'materials')
  const materials: Material[] = []
  // A Map, not an object: a material may be called "__proto__".
  const materialIndex = new Map<string, number>()
  const keys = Object.keys(m)
  if (keys.length === 0) fail('materials', 'must define at least one material')
  if (keys.length > MAX_MATERIALS) fail('materials', `has ${keys.length} entries, more than the limit of ${MAX_MATERIALS}`)
  for (const key of keys) {
    name(key, `materials[${JSON.stringify(key.slice(0, 40))}] name`)
    materialIndex.set(key, materials.length)
    materials.push(parseMaterial(m[key], `materials.${key}`))
  }
  return { materials, materialIndex }
}

function parseMaterial(value: unknown, path: string): Material {
  const m = record(value, path, ['kind', 'albedo', 'checker', 'fuzz', 'ior', 'color', 'strength'])
  const kind = oneOf(m.kind, `${path}.kind`, ['diffuse', 'metal', 'glass', 'emissive'] as const)
  const only = (fields: string[]) => {
    for (const key of Object.keys(m)) {
      if (key !== 'kind' && !fields.includes(key)) fail(path, `of kind ${JSON.stringify(kind)} does not take ${JSON.stringify(key)}`)
    }
  }
  switch (kind) {
    case 'diffuse': {
      only(['albedo', 'checker'])
      let checker: { albedo: Vec3; size: number } | undefined
      if (m.checker !== undefined) {
        const c = record(m.checker, `${path}.checker`, ['albedo', 'size'])
        checker = { albedo: albedo(c.albedo, `${path}.checker.albedo`), size: num(c.size, `${path}.checker.size`, { positive: true }) }
      }
      return { kind, albedo: albedo(m.albedo, `${path}.albedo`), checker }
    }
    case 'metal':
      only(['albedo', 'fuzz'])
      return { kind, albedo: albedo(m.albedo, `${path}.albedo`), fuzz: optionalNum(m.fuzz, `${path}.fuzz`, 0, { min: 0, max: 1 }) }
    case 'glass':
      only(['ior'])
      return { kind, ior: optionalNum(m.ior, `${path}.ior`, 1.5, { min: 1, max: 4 }) }
    case 'emissive':
      only(['color', 'strength'])
      return { kind, color: color(m.color, `${path}.color`), strength: optionalNum(m.strength, `${path}.strength`, 1, { min: 0, max: 1e6 }) }
  }
}
