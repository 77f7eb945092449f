// Cheating workers, for the adversarial testnet and the checker's tests:
// each strategy saves render work (or fakes it) the way a dishonest
// operator would. The cheat is in the pixels only: the worker still stores
// and commits to exactly what it produced, as an honest one does, so the
// checker has to find it by sampling and integrity checks, not by a broken
// commitment. Testnet-only: a Cheat reaches a worker solely through the
// FrameTamper seam (node/roles/worker/frame-tamper.ts), which
// testnet/adversarial-node.ts sets; no production setting names a strategy.
import { createHash, randomBytes } from 'node:crypto'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import sharp from 'sharp'
import type { FrameTamper, FrameTamperJob } from '../node/roles/worker/index.ts'

/** Strategies without a parameter; `fraction:<f>` is the one with. */
export const CHEAT_STRATEGIES = ['black', 'previous-frame', 'fewer-samples', 'half-res', 'copy', 'noise'] as const
export type CheatStrategy = (typeof CHEAT_STRATEGIES)[number]

export type CheatSpec = { kind: CheatStrategy } | { kind: 'fraction'; fraction: number }

/** '' (honest) gives undefined; anything unknown throws a RangeError whose message is one line for the user. */
export function parseCheat(text: string): CheatSpec | undefined {
  if (text === '') return undefined
  if ((CHEAT_STRATEGIES as readonly string[]).includes(text)) return { kind: text as CheatStrategy }
  const m = /^fraction:(0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/.exec(text)
  if (m !== null) return { kind: 'fraction', fraction: Number(m[1]) }
  throw new RangeError(`unknown cheat ${JSON.stringify(text)}: use one of ${CHEAT_STRATEGIES.join(', ')}, fraction:<0..1>`)
}

export type CheatJob = FrameTamperJob

/** A worker's FrameTamper that knows which strategy it plays. */
export interface Cheat extends FrameTamper {
  readonly spec: CheatSpec
}

/** Jobs whose first frame the `copy` cheat remembers. */
const MAX_COPY_SOURCES = 16

export function createCheat(spec: CheatSpec | string): Cheat {
  const parsed = typeof spec === 'string' ? parseCheat(spec) : spec
  if (parsed === undefined) throw new RangeError('no cheat given')
  // copy: the first frame this worker rendered for each job, served again for every later frame.
  const sources = new Map<string, Buffer>()
  return {
    spec: parsed,
    renderSettings(settings) {
      if (parsed.kind === 'fewer-samples') return { ...settings, samples: Math.max(1, Math.floor(settings.samples / 4)) }
      if (parsed.kind === 'half-res') return { ...settings, width: Math.ceil(settings.width / 2), height: Math.ceil(settings.height / 2) }
      return settings
    },
    async apply(outputs, job) {
      switch (parsed.kind) {
        case 'fewer-samples':
          return
        case 'black':
          for (const out of outputs) await writeRgba(out.path, job, blackPixels(job))
          return
        case 'noise':
          for (const out of outputs) await writeRgba(out.path, job, noisePixels(job))
          return
        case 'fraction': {
          const faked = new Set(fakedFrames(parsed.fraction, job.jobId, outputs.map((o) => o.frame)))
          for (const out of outputs) if (faked.has(out.frame)) await writeRgba(out.path, job, noisePixels(job))
          return
        }
        case 'half-res':
          for (const out of outputs) {
            const png = await sharp(await readFile(out.path)).resize(job.width, job.height, { fit: 'fill' }).png().toBuffer()
            await writeFile(out.path, png)
          }
          return
        case 'previous-frame':
          // Renders every other frame and passes the one before off as the next: half the work.
          for (let i = 1; i < outputs.length; i += 2) await copyFile(outputs[i - 1]!.path, outputs[i]!.path)
          return
        case 'copy': {
          const key = Buffer.from(job.jobId).toString('hex')
          for (const out of outputs) {
            const source = sources.get(key)
            if (source === undefined) {
              sources.set(key, await readFile(out.path))
              if (sources.size > MAX_COPY_SOURCES) sources.delete(sources.keys().next().value!)
            } else {
              await writeFile(out.path, source)
            }
          }
          return
        }
      }
    }
  }
}

/**
 * The frames `fraction:<f>` fakes: each independently, with probability f,
 * from a hash of the job and frame, so a test can know which ones.
 */
export function fakedFrames(fraction: number, jobId: Uint8Array, frames: readonly number[]): number[] {
  return frames.filter((frame) => {
    const h = createHash('sha256').update(jobId).update(`cheat/${frame}`).digest()
    return h.readUInt32BE(0) / 2 ** 32 < fraction
  })
}

function blackPixels(job: CheatJob): Uint8Array {
  const px = new Uint8Array(job.width * job.height * 4)
  for (let i = 3; i < px.length; i += 4) px[i] = 255
  return px
}

function noisePixels(job: CheatJob): Uint8Array {
  const px = new Uint8Array(randomBytes(job.width * job.height * 4))
  for (let i = 3; i < px.length; i += 4) px[i] = 255
  return px
}

async function writeRgba(path: string, job: CheatJob, pixels: Uint8Array): Promise<void> {
  const png = await sharp(pixels, { raw: { width: job.width, height: job.height, channels: 4 } }).png().toBuffer()
  await writeFile(path, png)
}
