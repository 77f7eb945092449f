// What the network adds to a render: `npm start`'s job wall time (a local
// testnet of creator, workers and checker renders the demo job; submission
// to last accepted frame) against `pictor render` of the same frames, scene
// and settings on this machine with the same total threads (the demo's
// workers' threads summed). Goal: <= 1.1x.
//
// The two alternate (which goes first alternates too), RUNS each, medians;
// each run's own ratio is reported too (overRenderPaired).
// The baseline is the render time `pictor render` prints (renderer start ->
// last frame written); its process wall time, start-up and exit included,
// is reported beside it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoJobWallS, demoSettings } from './lib/demo-run.ts'
import { pictorRender } from './lib/local-render.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'

const BENCH = 'demo-overhead'
const RUNS = 3

const median = (xs: number[]) => round(summarise(xs).median, 2)

await runBench(BENCH, async () => {
  const demo = await demoSettings()
  const threads = demo.workers * demo.threadsPerWorker
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-demo-overhead-'))
  const args = (run: number) => [
    demo.scene,
    '--frames',
    `${demo.frameStart}-${demo.frameEnd}`,
    '--resolution',
    `${demo.width}x${demo.height}`,
    '--samples',
    String(demo.samples),
    '--seed',
    String(demo.seed),
    '--threads',
    String(threads),
    '--out',
    join(dir, `run-${run}`)
  ]
  const network: number[] = []
  const render: number[] = []
  const whole: number[] = []
  try {
    for (let run = 0; run < RUNS; run++) {
      const networkRun = async () => network.push(await demoJobWallS())
      const localRun = async () => {
        const t = await pictorRender(args(run))
        render.push(t.renderS)
        whole.push(t.processS)
      }
      progress(BENCH, `run ${run + 1}/${RUNS}: ${run % 2 === 0 ? 'npm start, then pictor render' : 'pictor render, then npm start'} (${threads} threads)`)
      if (run % 2 === 0) {
        await networkRun()
        await localRun()
      } else {
        await localRun()
        await networkRun()
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const [networkS, renderS, processS] = [median(network), median(render), median(whole)]
  return {
    bench: BENCH,
    params: {
      runs: RUNS,
      frames: `${demo.frameStart}-${demo.frameEnd}`,
      size: `${demo.width}x${demo.height}`,
      samples: demo.samples,
      threads,
      threadsWhy: `the demo's ${demo.workers} workers x --threads ${demo.threadsPerWorker}`,
      blobs: "npm start's default"
    },
    npmStartJobWallS: networkS,
    npmStartRunsS: network,
    /** npm start's job wall time over pictor render's render time (the goal), and over its whole process. */
    overRender: round(networkS / renderS, 2),
    overRenderProcess: round(networkS / processS, 2),
    /** Each run's npm start over the pictor render beside it, and their median: steadier than a ratio of medians on a busy machine. */
    overRenderPairedRuns: network.map((s, i) => round(s / (render[i] as number), 2)),
    overRenderPaired: median(network.map((s, i) => s / (render[i] as number))),
    goals: { overRender: '<= 1.1' },
    baseline: { renderS, renderRunsS: render, renderProcessS: processS, renderProcessRunsS: whole.map((s) => round(s, 2)) }
  }
})
