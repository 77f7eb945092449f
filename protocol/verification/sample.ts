// Which frames and tiles a checker re-renders (SPEC R100-R101). Chosen from
// the beacon only after the worker committed, so the worker cannot know
// which of its frames will be looked at; recomputable by anyone, so the
// creator cannot steer a check towards (or away from) particular frames.
import { VERIFICATION } from '../constants.ts'
import type { CropTile } from '../pb/messages.js'
import { BeaconStream, type CommitmentRef, taskSeed } from './beacon-stream.ts'
import { VerificationError } from './errors.ts'
import { type LevelName, levelOf, reputationFactor, sampleCount, type VerificationLevel, type WorkerReputation } from './levels.ts'

export interface SampleBase extends CommitmentRef {
  beacon: Uint8Array
  /** The task's frames, as committed. */
  frames: readonly number[]
  width: number
  height: number
  /** Which of the task's selected checkers the sample is for (its position in selectCheckers' answer). */
  redundancyIndex?: number
}

export interface SampleInput extends SampleBase {
  level?: LevelName | VerificationLevel
  reputation?: WorkerReputation
}

export interface Sample {
  /** Ascending. */
  frames: number[]
  /** By frame, then row, then column. */
  tiles: CropTile[]
}

/**
 * The fixed grid: min(4, width) columns by min(4, height) rows, cell edges
 * at floor(i x size / n), so cells tile the frame exactly and differ in size
 * by at most one pixel.
 */
export function tileGrid(width: number, height: number): Omit<CropTile, 'frame'>[] {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) throw new VerificationError('BAD_INPUT', `bad frame size ${width}x${height}`)
  const cols = Math.min(VERIFICATION.gridColumns, width)
  const rows = Math.min(VERIFICATION.gridRows, height)
  const cells: Omit<CropTile, 'frame'>[] = []
  for (let r = 0; r < rows; r++) {
    const y = Math.floor((r * height) / rows)
    const yEnd = Math.floor(((r + 1) * height) / rows)
    for (let c = 0; c < cols; c++) {
      const x = Math.floor((c * width) / cols)
      const xEnd = Math.floor(((c + 1) * width) / cols)
      cells.push({ x, y, width: xEnd - x, height: yEnd - y })
    }
  }
  return cells
}

/** Draw labels: each kind of choice has its own stream, per redundancy index. */
const label = (kind: string, redundancyIndex: number) => `${kind}/${redundancyIndex}`

/** The sample for a verification level and a worker's reputation: what the creator asks for. */
export function sampleFor(input: SampleInput): Sample {
  const level = levelOf(input.level)
  const index = redundancyIndexOf(input)
  const rate = level.frameRate * reputationFactor(input.reputation)
  const count = sampleCount(new BeaconStream(taskSeed(input.beacon, input), label('count', index)), input.frames.length, rate)
  return sampleOfSize(input, count, level.tilesPerFrame)
}

/** The first `count` frames of the beacon's permutation of the task, `tilesPerFrame` tiles of each. */
export function sampleOfSize(input: SampleBase, count: number, tilesPerFrame: number): Sample {
  const index = redundancyIndexOf(input)
  if (!Number.isInteger(count) || count < 0 || count > input.frames.length) throw new VerificationError('BAD_INPUT', `cannot sample ${count} of ${input.frames.length} frames`)
  const grid = tileGrid(input.width, input.height)
  if (!Number.isInteger(tilesPerFrame) || tilesPerFrame < 1) throw new VerificationError('BAD_INPUT', `bad tiles per frame ${tilesPerFrame}`)
  const seed = taskSeed(input.beacon, input)
  const frames = new BeaconStream(seed, label('frames', index)).prefix(input.frames, count).sort((a, b) => a - b)
  const tiles: CropTile[] = []
  for (const frame of frames) {
    const cells = new Array(grid.length).fill(0).map((_, i) => i)
    const chosen = new BeaconStream(seed, `${label('tiles', index)}/${frame}`).prefix(cells, tilesPerFrame).sort((a, b) => a - b)
    for (const cell of chosen) tiles.push({ frame, ...grid[cell]! })
  }
  return { frames, tiles }
}

/**
 * Why `requested` is not a sample the beacon allows, or undefined when it
 * is. Any size is allowed (the level and the worker's reputation are the
 * creator's policy), but only the beacon's own frames and tiles: a longer
 * sample always extends a shorter one, so nothing can be hand-picked.
 */
export function sampleMismatch(base: SampleBase, requested: Sample): string | undefined {
  const count = requested.frames.length
  if (count > base.frames.length) return `${count} sampled frames, the task has ${base.frames.length}`
  if (count === 0) return requested.tiles.length === 0 ? undefined : 'tiles without sampled frames'
  const perFrame = requested.tiles.length / count
  const cells = tileGrid(base.width, base.height).length
  if (!Number.isInteger(perFrame) || perFrame < 1 || perFrame > cells) return `${requested.tiles.length} tiles for ${count} frames`
  const expected = sampleOfSize(base, count, perFrame)
  if (!expected.frames.every((f, i) => requested.frames[i] === f)) return 'sampled frames are not the ones the beacon picks'
  const same = (a: CropTile, b: CropTile | undefined) => b !== undefined && a.frame === b.frame && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height
  if (!expected.tiles.every((t, i) => same(t, requested.tiles[i]))) return 'sampled tiles are not the ones the beacon picks'
  return undefined
}

function redundancyIndexOf(input: SampleBase): number {
  const index = input.redundancyIndex ?? 0
  if (!Number.isInteger(index) || index < 0 || index >= VERIFICATION.maxRedundancy) throw new VerificationError('BAD_INPUT', `redundancy index must be 0..${VERIFICATION.maxRedundancy - 1}`)
  return index
}
