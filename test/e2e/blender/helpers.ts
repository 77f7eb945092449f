// Shared by the Blender e2e tests: finding Blender (tests skip, with the
// reason printed, when it is missing), building the generated scenes,
// comparing decoded pixels, and looking for Blender processes left behind.
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import sharp from 'sharp'
import { type BlenderInstall, detectBlender } from '../../../node/renderers/blender/index.ts'

export const SCRIPTS = fileURLToPath(new URL('../../../scripts/blender/', import.meta.url))
/** What the test scene bakes in (make_test_scene.py); the renderer is given the same. */
export const TEST_SETTINGS = { width: 96, height: 54, samples: 8, seed: 42 }

export async function findBlenderForTests(): Promise<BlenderInstall | undefined> {
  const found = await detectBlender()
  if (found === undefined) {
    const why = 'Blender e2e tests skipped: no Blender found (apt-get install blender, or set PICTOR_BLENDER)'
    // CI sets this so that a missing Blender fails the run instead of skipping it.
    if (process.env.PICTOR_REQUIRE_BLENDER === '1') throw new Error(why)
    console.warn(why)
  }
  return found
}

/** Runs one of our generator scripts with Blender (trusted code: ours). */
export async function runScript(blender: string, script: string, ...args: string[]): Promise<void> {
  await execa(blender, ['-b', '--factory-startup', '-noaudio', '--python-exit-code', '3', '--python', `${SCRIPTS}${script}`, '--', ...args], { stdin: 'ignore' })
}

/** A bare command-line render, the reference the worker path must match. */
export async function cliRender(blender: string, scene: string, outPrefix: string, frames: number[], extra: string[] = []): Promise<void> {
  await execa(blender, ['-b', scene, ...extra, '-o', `${outPrefix}######`, '-F', 'PNG', '-f', frames.join(',')], { stdin: 'ignore' })
}

export interface Pixels {
  width: number
  height: number
  data: Buffer
}

export async function pixels(path: string, region?: { x: number; y: number; width: number; height: number }): Promise<Pixels> {
  let img = sharp(await readFile(path))
  if (region) img = img.extract({ left: region.x, top: region.y, width: region.width, height: region.height })
  const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data }
}

export function psnr(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`)
  let sum = 0
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i]! - b.data[i]!) ** 2
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.data.length))
}

/** PNG text chunks (tEXt, iTXt, zTXt) carry Blender's metadata: file path, date, scene names. */
export function textChunks(png: Buffer): string[] {
  const found: string[] = []
  for (let p = 8; p + 8 <= png.length; ) {
    const len = png.readUInt32BE(p)
    const type = png.subarray(p + 4, p + 8).toString('latin1')
    if (type === 'tEXt' || type === 'iTXt' || type === 'zTXt') found.push(type)
    p += 12 + len
  }
  return found
}

/** Processes whose command line contains marker (a unique folder name in Blender's arguments). */
export async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = []
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8')
      if (cmdline.includes(marker)) pids.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

export async function hasPrlimit(): Promise<boolean> {
  return (await execa('prlimit', ['--version'], { reject: false })).exitCode === 0
}
