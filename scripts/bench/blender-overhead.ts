// What the worker path costs on top of Blender itself, and what a checker's
// crop costs against a full frame, measured in the same run:
//   overhead  BlenderRenderer.renderFrames (scene check, task folder, prlimit,
//             our hardening script, PNG re-encode) vs a bare
//             `blender -b scene -t T -o ... -f 1,2,3,4` of the same frames at
//             the same size, samples and threads; rounds alternate the two.
//             The ratio compares the best round of each (on a shared machine
//             noise only adds time); medians are reported too. Target <= 1.05.
//             CPU time is compared as well (Blender's, from this process's
//             reaped-children counters, plus our own): on a busy shared
//             machine it moves far less than wall time.
//   crop      renderCrop of a 1/16-area tile vs renderFrames of the full
//             frame, both as whole calls (start-up included) and as Blender's
//             own per-frame render time (start-up excluded).
// The scene is the generated bench scene (make_bench_scene.py).
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { silentLogger } from '../../node/log.ts'
import { benchScenePath, createBlenderRenderer, detectBlender } from '../../node/renderers/blender/index.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'

const BENCH = 'blender-overhead'
const ROUNDS = 3
const FRAMES = [1, 2, 3, 4]
/** The bench scene's own size and samples, so the bare command line renders the same work. */
const SETTINGS = { width: 160, height: 90, samples: 16, seed: 1 }
const CROP_FULL = { width: 320, height: 180, samples: 16, seed: 1 }
const CROP = { x: 120, y: 68, width: 80, height: 45 }
const THREADS = 1

const median = (xs: number[]) => round(summarise(xs).median, 1)

/** CPU ms used so far by this process and its reaped children (Blender); /proc/self/stat fields 14-17 in clock ticks (USER_HZ = 100). */
async function cpuMs(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const children = (Number(fields[13]) + Number(fields[14])) * 10
  const self = process.cpuUsage()
  return children + (self.user + self.system) / 1000
}

async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = await cpuMs()
  const t0 = performance.now()
  await fn()
  return { wall: performance.now() - t0, cpu: (await cpuMs()) - cpu0 }
}

await runBench(BENCH, async () => {
  const blender = await detectBlender()
  if (blender === undefined) return { bench: BENCH, skipped: 'no Blender found (apt-get install blender, or set PICTOR_BLENDER)' }
  const root = await mkdtemp(join(tmpdir(), 'pictor-bench-blender-'))
  const renderer = createBlenderRenderer({ binary: blender.path, threads: THREADS, workDir: join(root, 'work'), cacheDir: join(root, 'cache'), logger: silentLogger })
  try {
    const scenePath = await benchScenePath({ blender: blender.path, version: blender.version, cacheDir: join(root, 'cache') })
    // Detection (version and device query, ~2 s) happens once per renderer: keep it out of the rounds.
    await renderer.capabilities()
    const worker: number[] = []
    const cli: number[] = []
    const workerCpu: number[] = []
    const cliCpu: number[] = []
    progress(BENCH, `blender ${blender.version}: ${ROUNDS} rounds of ${FRAMES.length} frames, worker path vs bare command line`)
    for (let r = 0; r < ROUNDS; r++) {
      const w = await timed(() => renderer.renderFrames({ scenePath, frames: FRAMES, settings: SETTINGS, outDir: join(root, `worker-${r}`) }))
      worker.push(w.wall)
      workerCpu.push(w.cpu)
      const c = await timed(() => execa(blender.path, ['-b', scenePath, '-t', String(THREADS), '-o', join(root, `cli-${r}`, '######'), '-F', 'PNG', '-f', FRAMES.join(',')], { stdin: 'ignore' }))
      cli.push(c.wall)
      cliCpu.push(c.cpu)
    }

    progress(BENCH, `crop ${CROP.width}x${CROP.height} of ${CROP_FULL.width}x${CROP_FULL.height} vs the full frame`)
    const full = { callMs: [] as number[], renderS: [] as number[] }
    const crop = { callMs: [] as number[], renderS: [] as number[] }
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now()
      await renderer.renderFrames({ scenePath, frames: [1], settings: CROP_FULL, outDir: join(root, `full-${r}`), onFrameTime: (p) => full.renderS.push(p.seconds) })
      full.callMs.push(performance.now() - t)
      t = performance.now()
      await renderer.renderCrop({ scenePath, frame: 1, crop: CROP, settings: CROP_FULL, outDir: join(root, `crop-${r}`), onFrameTime: (p) => crop.renderS.push(p.seconds) })
      crop.callMs.push(performance.now() - t)
    }
    const workerMs = round(Math.min(...worker), 1)
    const cliMs = round(Math.min(...cli), 1)
    return {
      bench: BENCH,
      blender: blender.version,
      params: { rounds: ROUNDS, frames: FRAMES.length, ...SETTINGS, threads: THREADS },
      workerMs,
      overheadRatio: round(workerMs / cliMs, 3),
      overheadRatioMedian: round(median(worker) / median(cli), 3),
      overheadRatioCpu: round(summarise(workerCpu).median / summarise(cliCpu).median, 3),
      targetRatio: 1.05,
      crop: {
        area: round((CROP.width * CROP.height) / (CROP_FULL.width * CROP_FULL.height), 4),
        fullCallMs: median(full.callMs),
        cropCallMs: median(crop.callMs),
        callRatio: round(median(crop.callMs) / median(full.callMs), 3),
        fullRenderMs: median(full.renderS.map((s) => s * 1000)),
        cropRenderMs: median(crop.renderS.map((s) => s * 1000)),
        renderRatio: round(summarise(crop.renderS).median / summarise(full.renderS).median, 3)
      },
      baseline: {
        cliMs,
        cliRoundsMs: cli.map((x) => round(x, 0)),
        workerRoundsMs: worker.map((x) => round(x, 0)),
        cliCpuMs: cliCpu.map((x) => round(x, 0)),
        workerCpuMs: workerCpu.map((x) => round(x, 0))
      }
    }
  } finally {
    await renderer.close()
    await rm(root, { recursive: true, force: true })
  }
})
