// Where the checker's thresholds for each output format come from: the test
// scene (make_test_scene.py) rendered through the worker path in PNG, JPEG
// and EXR, honestly and with the known cheats, and compared with a
// checker's re-rendered tiles exactly as check-task.ts compares them
// (EXR in float through displayEncode; JPEG tiles widened to the block grid
// and encoded as the worker encodes). Per variant and format: the lowest
// PSNR and block SSIM over the tiles.
//   honest            the worker path again, same seed
//   cli               a bare command-line Blender render (control: same kernel)
//   other-kernel      the same with CYCLES_CPU_NO_AVX2=1 (Cycles' AVX kernels
//                     instead of AVX2: the float rounding another CPU gives)
//   fewer-samples     a quarter of the samples
//   half-res          half the size, upscaled bilinearly
//   previous-frame    frame 1 passed off as frame 2
//   other-seed        a different seed (not a cheat; the noise floor)
//   JPEG vs lossless  the honest JPEG frame against lossless (PNG) tiles: what
//                     a checker comparing with a plain tolerance would see
// docs/verification.md quotes the figures.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { OutputFormat } from '../../protocol/index.ts'
import { decodeExr, decodeFrame, decodePng, encodeJpeg, type Frame, isFloatFrame, jpegBlockRegion } from '../../node/images/index.ts'
import { silentLogger } from '../../node/log.ts'
import { createBlenderRenderer, detectBlender } from '../../node/renderers/blender/index.ts'
import { compareImages, cropImage } from '../../node/verify/compare.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'

const BENCH = 'output-formats'
const SCRIPTS = fileURLToPath(new URL('../blender/', import.meta.url))
const SETTINGS = { width: 192, height: 108, samples: 8, seed: 42 }
const FRAME = 2
/** 1/16-area tiles as the sampler draws them, at places off the 8-pixel grid. */
const TILES = [
  { x: 5, y: 3, width: 48, height: 27 },
  { x: 71, y: 40, width: 48, height: 27 },
  { x: 130, y: 77, width: 48, height: 27 },
  { x: 100, y: 50, width: 48, height: 27 }
]
const FORMATS: OutputFormat[] = ['PNG', 'JPEG', 'EXR']

await runBench(BENCH, async () => {
  const blender = await detectBlender()
  if (blender === undefined) return { bench: BENCH, skipped: 'no Blender found (apt-get install blender, or set PICTOR_BLENDER)' }
  const root = await mkdtemp(join(tmpdir(), 'pictor-bench-formats-'))
  const renderer = createBlenderRenderer({ binary: blender.path, threads: 1, workDir: join(root, 'work'), cacheDir: join(root, 'cache'), logger: silentLogger })
  let n = 0
  const out = () => join(root, `o${n++}`)
  try {
    await execa(blender.path, ['-b', '--factory-startup', '-noaudio', '--python-exit-code', '3', '--python', `${SCRIPTS}make_test_scene.py`, '--', join(root, 'scene')], { stdin: 'ignore' })
    const scenePath = join(root, 'scene', 'packed.blend')
    const full = { width: SETTINGS.width, height: SETTINGS.height }

    /** The worker path: render, then decode the file it would commit. */
    const worker = async (format: OutputFormat, over: Partial<typeof SETTINGS>, frame = FRAME): Promise<Frame> => {
      const [f] = await renderer.renderFrames({ scenePath, frames: [frame], settings: { ...SETTINGS, ...over, format }, outDir: out() })
      const size = { width: over.width ?? SETTINGS.width, height: over.height ?? SETTINGS.height }
      return decodeFrame(await readFile(f!.path), format, size)
    }
    /** A bare Blender render as a worker would publish it (Blender's lossless file, JPEG encoded by us). */
    const cli = async (format: OutputFormat, env: Record<string, string>): Promise<Frame> => {
      const prefix = join(out(), 'f')
      const exr = format === 'EXR'
      const py = `import bpy; s = bpy.context.scene; s.render.resolution_x = ${SETTINGS.width}; s.render.resolution_y = ${SETTINGS.height}; s.cycles.samples = ${SETTINGS.samples}; s.cycles.seed = ${SETTINGS.seed}${exr ? "; s.render.image_settings.color_depth = '32'; s.render.image_settings.exr_codec = 'ZIP'" : ''}`
      await execa(blender.path, ['-b', scenePath, '--python-expr', py, '-o', `${prefix}######`, '-F', exr ? 'EXR' : 'PNG', '-f', String(FRAME)], { stdin: 'ignore', env })
      const bytes = await readFile(`${prefix}${String(FRAME).padStart(6, '0')}.${exr ? 'exr' : 'png'}`)
      if (exr) return decodeExr(bytes, full)
      const png = await decodePng(bytes, full)
      return format === 'JPEG' ? decodeFrame(await encodeJpeg(png), 'JPEG', full) : png
    }
    /** The checker's tiles, rendered and decoded as check-task.ts does. */
    const checkerTiles = async (format: OutputFormat): Promise<Frame[]> => {
      const tiles: Frame[] = []
      for (const tile of TILES) {
        const crop = format === 'JPEG' ? jpegBlockRegion(tile, full) : tile
        const r = await renderer.renderCrop({ scenePath, frame: FRAME, crop, settings: { ...SETTINGS, format }, outDir: out() })
        const decoded = await decodeFrame(await readFile(r.path), format, crop)
        tiles.push(cropImage(decoded, { ...tile, x: tile.x - crop.x, y: tile.y - crop.y }))
      }
      return tiles
    }
    const score = (frame: Frame, tiles: Frame[]) => {
      let psnr = Number.POSITIVE_INFINITY
      let ssim = 1
      for (const [i, tile] of tiles.entries()) {
        const c = compareImages(cropImage(frame, TILES[i]!), tile)
        psnr = Math.min(psnr, c.psnr)
        ssim = Math.min(ssim, c.worstBlockSsim)
      }
      return { psnrDb: Number.isFinite(psnr) ? round(psnr, 1) : 'identical', worstBlockSsim: round(ssim, 4) }
    }

    const results: Record<string, Record<string, unknown>> = {}
    let losslessTiles: Frame[] = []
    for (const format of FORMATS) {
      progress(BENCH, `${format}: checker tiles, then each variant`)
      const tiles = await checkerTiles(format)
      if (format === 'PNG') losslessTiles = tiles
      const half = await worker(format, { width: SETTINGS.width / 2, height: SETTINGS.height / 2 })
      const honest = await worker(format, {})
      results[format] = {
        honest: score(honest, tiles),
        ...(format === 'JPEG' ? { honestVsLossless: score(honest, losslessTiles) } : {}),
        cli: score(await cli(format, {}), tiles),
        otherKernel: score(await cli(format, { CYCLES_CPU_NO_AVX2: '1' }), tiles),
        fewerSamples: score(await worker(format, { samples: SETTINGS.samples / 4 }), tiles),
        halfRes: score(await asFormat(upscale(half, full), format), tiles),
        previousFrame: score(await worker(format, {}, FRAME - 1), tiles),
        otherSeed: score(await worker(format, { seed: SETTINGS.seed + 1 }), tiles)
      }
    }
    return { bench: BENCH, blender: blender.version, params: { ...SETTINGS, frame: FRAME, tiles: TILES.length }, ...results }
  } finally {
    await renderer.close()
    await rm(root, { recursive: true, force: true })
  }
})

/** Bilinear upscale of any frame (the half-res cheat), in the frame's own precision. */
function upscale(img: Frame, to: { width: number; height: number }): Frame {
  const src = img.pixels
  const dst = isFloatFrame(img) ? new Float32Array(to.width * to.height * 4) : new Uint8Array(to.width * to.height * 4)
  for (let y = 0; y < to.height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, ((y + 0.5) * img.height) / to.height - 0.5))
    const y0 = Math.floor(sy)
    const y1 = Math.min(img.height - 1, y0 + 1)
    for (let x = 0; x < to.width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, ((x + 0.5) * img.width) / to.width - 0.5))
      const x0 = Math.floor(sx)
      const x1 = Math.min(img.width - 1, x0 + 1)
      for (let c = 0; c < 4; c++) {
        const at = (xx: number, yy: number) => src[(yy * img.width + xx) * 4 + c]!
        const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * (sx - x0)
        const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * (sx - x0)
        const v = top + (bottom - top) * (sy - y0)
        dst[(y * to.width + x) * 4 + c] = isFloatFrame(img) ? v : Math.round(v)
      }
    }
  }
  return { width: to.width, height: to.height, pixels: dst } as Frame
}

/** What a worker publishing this frame would commit to in `format`. */
async function asFormat(frame: Frame, format: OutputFormat): Promise<Frame> {
  if (format !== 'JPEG' || isFloatFrame(frame)) return frame
  return decodeFrame(await encodeJpeg(frame), 'JPEG', frame)
}
