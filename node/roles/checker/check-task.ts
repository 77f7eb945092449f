// One check, from an opened request to an outcome: integrity checks on
// every frame of the task, then the sampled tiles (and any escalated
// frames) re-rendered with the job's settings and seed and compared with
// the worker's pixels. No network and no signing here: the service supplies
// a fetcher and turns the outcome into a signed Verdict. Frames are decoded
// in the job's format: EXR compared in float, and for JPEG the tile is
// rendered widened to the JPEG block grid and encoded as the worker encodes
// it, so both sides carry the same compression (jpeg.ts).
import { constants, copyFile, mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BeaconStream, type CropTile, type OpenedCheckRequest, type OutputFormat, taskSeed, toHex, VERIFICATION } from '../../../protocol/index.ts'
import { type RemoteCopy, remoteCopyOf } from '../../blobs/index.ts'
import { materialiseProject } from '../../blobs/project-tree.ts'
import { decodeFrame, type Frame, formatOf, jpegBlockRegion } from '../../images/index.ts'
import type { Logger } from '../../log.ts'
import { type Renderer, type RenderSettings, renderSettingsOf } from '../../renderers/index.ts'
import { compareImages, cropImage, describe, passes, type Thresholds, thresholdsFor } from '../../verify/compare.ts'
import { duplicateGroups, verifyCommittedFrames } from '../../verify/integrity.ts'
import { CheckerError } from './errors.ts'

export interface FrameFetcher {
  /** Makes blob `id` (hex) available on local disk and returns its path; `remote` says where else it lives; more than `maxBytes` is refused. Throws when no provider has it. */
  fetch(id: string, signal: AbortSignal, remote?: RemoteCopy, maxBytes?: number): Promise<string>
}

export interface CheckTaskDeps {
  fetcher: FrameFetcher
  rendererFor(name: string): Renderer | undefined
  /** Scratch folder for this check; removed afterwards. */
  workDir: string
  thresholds?: Partial<Omit<Thresholds, 'exact'>>
  /** Suspicious frames (blank, or equal to another frame) re-rendered in full. */
  maxEscalations?: number
  logger: Logger
}

export interface CheckOutcome {
  accepted: boolean
  reason: string
  sampledFrames: number[]
  /** Per sampled frame: the lowest PSNR of its tiles, capped at VERIFICATION.identicalPsnr; empty when nothing was compared. */
  scores: number[]
  /** Pixels re-rendered, for overhead accounting. */
  pixelsRendered: number
}

/**
 * Full frames re-rendered per task when frames look suspicious. Two covers
 * one duplicate group completely: a group has at most one honest member
 * unless the shot really is still, so checking two members catches a
 * reused frame for certain. Honest held shots and fades to black cost at
 * most two frames of rendering per task.
 */
export const DEFAULT_MAX_ESCALATIONS = 2

interface RenderItem {
  frame: number
  crop: Omit<CropTile, 'frame'>
  sampled: boolean
}

export async function checkTask(deps: CheckTaskDeps, req: OpenedCheckRequest, signal: AbortSignal): Promise<CheckOutcome> {
  const a = req.announcement
  const c = req.commitment
  const size = { width: a.width, height: a.height }
  const outcome = (accepted: boolean, reason: string, scores: number[] = [], pixelsRendered = 0): CheckOutcome => ({ accepted, reason, sampledFrames: req.sample.frames, scores, pixelsRendered })
  const renderer = deps.rendererFor(a.renderer)
  if (renderer === undefined) throw new CheckerError('NO_RENDERER', `no ${a.renderer} renderer on this checker`)

  // Integrity, every frame: what the worker committed must be what it serves.
  const format = formatOf(a)
  const integrity = await verifyCommittedFrames(c, { ...size, outputFormat: format }, { signal, fetchPath: (f, maxBytes) => fetchOrThrow(deps.fetcher, toHex(f.blobId), `frame ${f.frame}`, signal, remoteCopyOf(f.walrus, f.size), maxBytes) })
  if (!integrity.ok) return outcome(false, integrity.reason)
  const { paths: pathOf, flat } = integrity
  const escalated = escalationFrames(new BeaconStream(taskSeed(req.beacon, c), `escalate/${req.redundancyIndex}`), flat, duplicateGroups(c.frames), deps.maxEscalations ?? DEFAULT_MAX_ESCALATIONS)

  const items: RenderItem[] = [
    ...req.sample.tiles.map(({ frame, ...crop }) => ({ frame, crop, sampled: true })),
    ...escalated.map((frame) => ({ frame, crop: { x: 0, y: 0, ...size }, sampled: false }))
  ].sort((x, y) => x.frame - y.frame)
  if (items.length === 0) return outcome(true, `integrity ok on ${c.frames.length} frames; nothing sampled`)

  const sceneBlobPath = await fetchOrThrow(deps.fetcher, toHex(a.sceneBlob), 'scene', signal, remoteCopyOf(a.sceneWalrus, a.sceneSize))
  const thresholds = thresholdsFor(a.renderer, deps.thresholds, format)
  const settings = renderSettingsOf(a)
  const worst = new Map<number, number>()
  let failure: string | undefined
  let pixelsRendered = 0
  await rm(deps.workDir, { recursive: true, force: true })
  await mkdir(deps.workDir, { recursive: true })
  let current: { frame: number; pixels: Frame } | undefined
  try {
    const scene = a.sceneProject ? await projectScene(deps, sceneBlobPath, signal) : { scenePath: sceneBlobPath }
    for (const [i, item] of items.entries()) {
      signal.throwIfAborted()
      const { mine, pixels } = await renderItem(renderer, scene, settings, item, format, join(deps.workDir, `r${i}`), signal)
      pixelsRendered += pixels
      // Items come ordered by frame, so each worker frame is decoded once more at most (it passed integrity above).
      if (current?.frame !== item.frame) current = { frame: item.frame, pixels: await decodeFrame(await readFile(pathOf.get(item.frame)!), format, size) }
      const theirs = cropImage(current.pixels, item.crop)
      const comparison = compareImages(theirs, mine)
      if (item.sampled) worst.set(item.frame, Math.min(worst.get(item.frame) ?? Number.POSITIVE_INFINITY, comparison.psnr))
      if (!passes(comparison, thresholds) && failure === undefined) {
        const what = item.sampled ? `tile ${item.crop.width}x${item.crop.height}+${item.crop.x}+${item.crop.y}` : 'full frame (blank or duplicate)'
        failure = `frame ${item.frame} ${what}: re-render differs (${describe(comparison)})`
      }
    }
  } finally {
    await rm(deps.workDir, { recursive: true, force: true }).catch((err) => deps.logger.warn('cannot remove check folder', { dir: deps.workDir, err }))
  }
  const scores = req.sample.frames.map((f) => Math.min(worst.get(f) ?? VERIFICATION.identicalPsnr, VERIFICATION.identicalPsnr))
  if (failure !== undefined) return outcome(false, failure, scores, pixelsRendered)
  const extra = escalated.length > 0 ? ` and ${escalated.length} suspicious frame(s) in full` : ''
  return outcome(true, `ok: ${req.sample.tiles.length} tile(s) of ${req.sample.frames.length} frame(s)${extra} match`, scores, pixelsRendered)
}

/**
 * Blank frames and frames equal to another are legitimate in a fade or a
 * held shot, so they are not rejected on sight: up to `max` of them are
 * re-rendered in full. Groups (a duplicate group, or a lone blank frame)
 * are taken in beacon order, two beacon-drawn members of each.
 */
export function escalationFrames(stream: BeaconStream, flat: readonly number[], duplicates: readonly number[][], max: number): number[] {
  const inGroup = new Set(duplicates.flat())
  const groups = [...duplicates, ...flat.filter((f) => !inGroup.has(f)).map((f) => [f])]
  const chosen: number[] = []
  for (const group of stream.prefix(groups, groups.length)) {
    for (const frame of stream.prefix(group, Math.min(2, max - chosen.length))) chosen.push(frame)
    if (chosen.length >= max) break
  }
  return chosen
}

/** The item's region re-rendered in the job's format, and the pixels that took. */
async function renderItem(renderer: Renderer, scene: { scenePath: string; jobDir?: string }, settings: RenderSettings, item: RenderItem, format: OutputFormat, outDir: string, signal: AbortSignal): Promise<{ mine: Frame; pixels: number }> {
  // A JPEG tile is encoded from whole blocks of the frame's grid, as the worker's full frame was.
  const crop = format === 'JPEG' ? jpegBlockRegion(item.crop, settings) : item.crop
  let path: string
  try {
    path = (await renderer.renderCrop({ ...scene, frame: item.frame, crop, settings, outDir, signal })).path
  } catch (err) {
    signal.throwIfAborted()
    throw new CheckerError('RENDER_FAILED', `re-rendering frame ${item.frame} failed: ${(err as Error).message}`, { cause: err })
  }
  // Our own renderer's output, but decoded with the same guards: a crop of the wrong size is a renderer bug, not a match.
  const rendered = await decodeFrame(await readFile(path), format, { width: crop.width, height: crop.height })
  const mine = crop === item.crop ? rendered : cropImage(rendered, { ...item.crop, x: item.crop.x - crop.x, y: item.crop.y - crop.y })
  return { mine, pixels: crop.width * crop.height }
}

/**
 * A project scene written out in the check's folder, as the worker writes it:
 * each file fetched (verified by its id) and copied into the tree, so the
 * renderer resolves the scene's relative paths exactly as the worker did.
 */
async function projectScene(deps: CheckTaskDeps, manifestPath: string, signal: AbortSignal): Promise<{ scenePath: string; jobDir: string }> {
  const jobDir = join(deps.workDir, 'scene')
  try {
    const scenePath = await materialiseProject(manifestPath, jobDir, async (file, dest, remote) => {
      // A copy, never a link: the store's file must stay as it is whatever the renderer does.
      await copyFile(await deps.fetcher.fetch(file.sha256, signal, remote), dest, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE)
    }, { signal })
    return { scenePath, jobDir }
  } catch (err) {
    signal.throwIfAborted()
    throw new CheckerError('FETCH_FAILED', `cannot fetch the project scene: ${(err as Error).message}`, { cause: err })
  }
}

async function fetchOrThrow(fetcher: FrameFetcher, id: string, what: string, signal: AbortSignal, remote?: RemoteCopy, maxBytes?: number): Promise<string> {
  try {
    return await fetcher.fetch(id, signal, remote, maxBytes)
  } catch (err) {
    signal.throwIfAborted()
    throw new CheckerError('FETCH_FAILED', `cannot fetch the ${what} (${id.slice(0, 12)}): ${(err as Error).message}`, { cause: err })
  }
}
