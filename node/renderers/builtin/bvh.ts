// A bounding volume hierarchy over the bounded primitives (spheres, boxes,
// triangles), rebuilt per frame because animation moves objects. Binned SAH
// with a fixed bin count and in-place partition: the same input always gives
// the same tree, so the same ray visits the same primitives in the same order.

const BINS = 12
const LEAF_MAX = 4
/** Past this depth split at the middle index, which always halves, so depth stays bounded. */
const SAH_MAX_DEPTH = 40
export const BVH_MAX_DEPTH = 64

export interface Bvh {
  /** 6 per node: min xyz, max xyz. */
  bounds: Float64Array
  /** 2 per node: a leaf is [first primitive, count > 0]; an inner node is [right child, 0], its left child follows it. */
  info: Int32Array
  /** Primitive indices in leaf order. */
  order: Int32Array
}

/** `boxes` holds 6 numbers (min, max) per primitive. */
export function buildBvh(boxes: Float64Array, count: number): Bvh {
  const order = new Int32Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  const centroids = new Float64Array(count * 3)
  for (let i = 0; i < count * 3; i++) {
    const p = Math.floor(i / 3)
    const a = i % 3
    centroids[i] = (boxes[p * 6 + a] + boxes[p * 6 + 3 + a]) * 0.5
  }
  const maxNodes = Math.max(1, 2 * count)
  const bvh: Bvh = { bounds: new Float64Array(maxNodes * 6), info: new Int32Array(maxNodes * 2), order }
  const builder = { boxes, centroids, bvh, nodes: 0 }
  if (count === 0) {
    // One empty leaf whose inverted bounds no ray can enter.
    bvh.bounds.set([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity])
    bvh.info[0] = 0
    bvh.info[1] = 0
    return bvh
  }
  buildNode(builder, 0, count, 0)
  return bvh
}

interface Builder {
  boxes: Float64Array
  centroids: Float64Array
  bvh: Bvh
  nodes: number
}

function buildNode(b: Builder, start: number, end: number, depth: number): void {
  const node = b.nodes++
  const { boxes, centroids, bvh } = b
  const { order } = bvh
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity
  let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity
  for (let i = start; i < end; i++) {
    const p = order[i]
    const o = p * 6
    if (boxes[o] < x0) x0 = boxes[o]
    if (boxes[o + 1] < y0) y0 = boxes[o + 1]
    if (boxes[o + 2] < z0) z0 = boxes[o + 2]
    if (boxes[o + 3] > x1) x1 = boxes[o + 3]
    if (boxes[o + 4] > y1) y1 = boxes[o + 4]
    if (boxes[o + 5] > z1) z1 = boxes[o + 5]
    const c = p * 3
    if (centroids[c] < cx0) cx0 = centroids[c]
    if (centroids[c] > cx1) cx1 = centroids[c]
    if (centroids[c + 1] < cy0) cy0 = centroids[c + 1]
    if (centroids[c + 1] > cy1) cy1 = centroids[c + 1]
    if (centroids[c + 2] < cz0) cz0 = centroids[c + 2]
    if (centroids[c + 2] > cz1) cz1 = centroids[c + 2]
  }
  bvh.bounds.set([x0, y0, z0, x1, y1, z1], node * 6)
  const n = end - start
  if (n <= LEAF_MAX) {
    leaf(bvh, node, start, n)
    return
  }

  const ex = cx1 - cx0, ey = cy1 - cy0, ez = cz1 - cz0
  const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2
  const cmin = axis === 0 ? cx0 : axis === 1 ? cy0 : cz0
  const extent = axis === 0 ? ex : axis === 1 ? ey : ez
  let mid = -1
  if (extent > 0 && depth < SAH_MAX_DEPTH) {
    const split = bestSplit(b, start, end, axis, cmin, extent)
    if (split >= 0) mid = partition(b, start, end, axis, cmin, extent, split)
  }
  // All centroids in one bin, or depth exhausted: split by position in the list.
  if (mid <= start || mid >= end) mid = (start + end) >> 1
  buildNode(b, start, mid, depth + 1)
  bvh.info[node * 2] = b.nodes
  bvh.info[node * 2 + 1] = 0
  buildNode(b, mid, end, depth + 1)
}

function leaf(bvh: Bvh, node: number, start: number, count: number): void {
  bvh.info[node * 2] = start
  bvh.info[node * 2 + 1] = count
}

const binOf = (c: number, cmin: number, extent: number) => Math.min(BINS - 1, Math.floor(((c - cmin) * BINS) / extent))

/** The bin after which to split, by the surface area heuristic; -1 if none is useful. */
function bestSplit(b: Builder, start: number, end: number, axis: number, cmin: number, extent: number): number {
  const counts = new Int32Array(BINS)
  const bb = new Float64Array(BINS * 6).fill(Infinity)
  for (let i = 0; i < BINS; i++) bb.fill(-Infinity, i * 6 + 3, i * 6 + 6)
  for (let i = start; i < end; i++) {
    const p = b.bvh.order[i]
    const bin = binOf(b.centroids[p * 3 + axis], cmin, extent)
    counts[bin]++
    for (let k = 0; k < 3; k++) {
      if (b.boxes[p * 6 + k] < bb[bin * 6 + k]) bb[bin * 6 + k] = b.boxes[p * 6 + k]
      if (b.boxes[p * 6 + 3 + k] > bb[bin * 6 + 3 + k]) bb[bin * 6 + 3 + k] = b.boxes[p * 6 + 3 + k]
    }
  }
  // Sweep from the right to get the right side's area x count for every split.
  const rightCost = new Float64Array(BINS)
  const acc = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity]
  let n = 0
  for (let i = BINS - 1; i > 0; i--) {
    grow(acc, bb, i)
    n += counts[i]
    rightCost[i] = n === 0 ? 0 : area(acc) * n
  }
  acc.splice(0, 6, Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity)
  n = 0
  let best = -1
  let bestCost = Infinity
  for (let i = 0; i < BINS - 1; i++) {
    grow(acc, bb, i)
    n += counts[i]
    const cost = (n === 0 ? 0 : area(acc) * n) + rightCost[i + 1]
    if (n > 0 && n < end - start && cost < bestCost) {
      bestCost = cost
      best = i
    }
  }
  return best
}

function grow(acc: number[], bb: Float64Array, bin: number): void {
  for (let k = 0; k < 3; k++) {
    if (bb[bin * 6 + k] < acc[k]) acc[k] = bb[bin * 6 + k]
    if (bb[bin * 6 + 3 + k] > acc[3 + k]) acc[3 + k] = bb[bin * 6 + 3 + k]
  }
}

function area(a: number[]): number {
  const dx = a[3] - a[0], dy = a[4] - a[1], dz = a[5] - a[2]
  return dx * dy + dy * dz + dz * dx
}

/** Moves primitives in bins <= split to the front; returns the first index of the right side. */
function partition(b: Builder, start: number, end: number, axis: number, cmin: number, extent: number, split: number): number {
  const { order } = b.bvh
  let i = start
  let j = end - 1
  while (i <= j) {
    if (binOf(b.centroids[order[i] * 3 + axis], cmin, extent) <= split) i++
    else {
      const t = order[i]
      order[i] = order[j]
      order[j] = t
      j--
    }
  }
  return i
}
