// Scene objects: spheres, infinite planes, axis-aligned boxes and triangle
// meshes. Every object has a `position` (the centre, a point on the plane,
// or the mesh's offset) because that is what animation tracks move.

import { MAX_OBJECTS, MAX_TRIANGLES, MAX_VERTICES } from './limits.ts'
import { fail, list, name, num, oneOf, optionalVec3, record, vec3 } from './validate.ts'
import type { Vec3 } from './vector.ts'

interface ObjectBase {
  name: string | undefined
  /** Index into Scene.materials. */
  material: number
  position: Vec3
}

export type SceneObject =
  | (ObjectBase & { kind: 'sphere'; radius: number })
  | (ObjectBase & { kind: 'plane'; normal: Vec3 })
  | (ObjectBase & { kind: 'box'; size: Vec3 })
  | (ObjectBase & { kind: 'mesh'; vertices: Float64Array; indices: Uint32Array })

const FIELDS: Record<SceneObject['kind'], string[]> = {
  sphere: ['radius'],
  plane: ['normal'],
  box: ['size'],
  mesh: ['vertices', 'indices']
}
const COMMON = ['kind', 'name', 'material', 'position']

export function parseObjects(value: unknown, materialIndex: Map<string, number>): SceneObject[] {
  const items = list(value, 'objects', MAX_OBJECTS, 1)
  const names = new Set<string>()
  const totals = { vertices: 0, triangles: 0 }
  return items.map((item, i) => {
    const obj = parseObject(item, `objects[${i}]`, materialIndex, totals)
    if (obj.name !== undefined) {
      if (names.has(obj.name)) fail(`objects[${i}].name`, `repeats the name ${JSON.stringify(obj.name)}`)
      names.add(obj.name)
    }
    return obj
  })
}

function parseObject(value: unknown, path: string, materialIndex: Map<string, number>, totals: { vertices: number; triangles: number }): SceneObject {
  const o = record(value, path, [...COMMON, 'radius', 'normal', 'size', 'vertices', 'indices'])
  const kind = oneOf(o.kind, `${path}.kind`, ['sphere', 'plane', 'box', 'mesh'] as const)
  for (const key of Object.keys(o)) {
    if (!COMMON.includes(key) && !FIELDS[kind].includes(key)) fail(path, `of kind ${JSON.stringify(kind)} does not take ${JSON.stringify(key)}`)
  }
  const objName = o.name === undefined ? undefined : name(o.name, `${path}.name`)
  const materialName = name(o.material, `${path}.material`)
  const material = materialIndex.get(materialName)
  if (material === undefined) fail(`${path}.material`, `names an unknown material ${JSON.stringify(materialName)}`)
  const base = { name: objName, material }
  switch (kind) {
    case 'sphere':
      return { ...base, kind, position: vec3(o.position, `${path}.position`), radius: num(o.radius, `${path}.radius`, { positive: true }) }
    case 'plane': {
      const normal = vec3(o.normal, `${path}.normal`)
      if (normal[0] === 0 && normal[1] === 0 && normal[2] === 0) fail(`${path}.normal`, 'must not be zero')
      return { ...base, kind, position: vec3(o.position, `${path}.position`), normal }
    }
    case 'box':
      return { ...base, kind, position: vec3(o.position, `${path}.position`), size: vec3(o.size, `${path}.size`, { positive: true }) }
    case 'mesh':
      return { ...base, kind, position: optionalVec3(o.position, `${path}.position`, [0, 0, 0]), ...parseMesh(o, path, totals) }
  }
}

function parseMesh(o: Record<string, unknown>, path: string, totals: { vertices: number; triangles: number }) {
  const rawVertices = list(o.vertices, `${path}.vertices`, MAX_VERTICES * 3, 3)
  if (rawVertices.length % 3 !== 0) fail(`${path}.vertices`, 'must be a flat list of x, y, z triples')
  const vertexCount = rawVertices.length / 3
  totals.vertices += vertexCount
  if (totals.vertices > MAX_VERTICES) fail(`${path}.vertices`, `brings the scene to ${totals.vertices} vertices, more than the limit of ${MAX_VERTICES}`)
  const vertices = new Float64Array(rawVertices.length)
  for (let i = 0; i < rawVertices.length; i++) vertices[i] = num(rawVertices[i], `${path}.vertices[${i}]`)

  const rawIndices = list(o.indices, `${path}.indices`, MAX_TRIANGLES * 3, 3)
  if (rawIndices.length % 3 !== 0) fail(`${path}.indices`, 'must be a flat list of vertex index triples')
  totals.triangles += rawIndices.length / 3
  if (totals.triangles > MAX_TRIANGLES) fail(`${path}.indices`, `brings the scene to ${totals.triangles} triangles, more than the limit of ${MAX_TRIANGLES}`)
  const indices = new Uint32Array(rawIndices.length)
  for (let i = 0; i < rawIndices.length; i++) indices[i] = num(rawIndices[i], `${path}.indices[${i}]`, { integer: true, min: 0, max: vertexCount - 1 })
  return { vertices, indices }
}
