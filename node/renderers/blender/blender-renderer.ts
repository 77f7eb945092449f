// The Blender renderer: one hardened Blender process per call renders every
// frame of it (start-up costs ~1 s, so never per frame). Each call gets a
// private task folder (settings JSON, Blender's user config, home, temp,
// caches and raw output); frames leave it only re-encoded, into outDir.
// See SECURITY.md for what this protects against and what stays trusted.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Logger } from '../../log.ts'
import { type CropRegion, frameFileName, type RenderCropRequest, type RenderedFrame, type Renderer, type RendererCapabilities, type RenderFramesRequest, type RenderSettings } from '../types.ts'
import { BENCH_FRAMES, BENCH_SETTINGS, benchScenePath, benchScore } from './bench.ts'
import { checkBlendFile } from './blend-file.ts'
import { type BlenderInstall, detectBlender, gpuNamesOf } from './detect.ts'
import { BlenderError, SettingsError } from './errors.ts'
import { type BlenderLimits, cpuSecondsFor, MAX_SAMPLES } from './limits.ts'
import { blenderFrameName, exportFrame, strayOutputs } from './outputs.ts'
import { killGroup, runBlender } from './process.ts'
import { blenderDir, gpuDevices, probeSandbox, type Sandbox, sandboxArgs, sandboxPolicy } from './sandbox.ts'
import { blenderArgs, blenderEnv, blenderFileFormat, checkCrop, checkFrames, cropBorder, prlimitArgs, resolveSettings, type TaskJson } from './task-spec.ts'
import { TaskOutput } from './task-outcome.ts'

const RENDER_SCRIPT = fileURLToPath(new URL('./python/render_task.py', import.meta.url))

export interface BlenderRendererOptions {
  binary?: string
  threads: number
  limits: BlenderLimits
  /** Parent of the per-call task folders. */
  workDir: string
  /** Where the generated bench scene is kept. */
  cacheDir: string
  /** Run Blender under Landlock when the kernel and python3 allow it. */
  sandbox: boolean
  logger: Logger
}

/** Blender-only extras; a plain RenderFramesRequest works too. */
export interface BlenderTaskOptions {
  /**
   * The job's own folder: relative paths in the scene resolve here and the
   * scene may read nothing outside it. The scene must be inside. Default: a
   * private folder holding only (a link to) the scene, so a scene kept in a
   * shared cache cannot read its neighbours.
   */
  jobDir?: string
  /** The job's stop time for this call, ms; Blender is killed when it passes. Default limits.timeoutMs. */
  timeoutMs?: number
  onSample?(p: { frame: number; sample: number; samples: number }): void
  /** Seconds Blender spent rendering and saving each frame, start-up excluded (for benchmarks and metrics). */
  onFrameTime?(p: { frame: number; seconds: number }): void
}

export type BlenderRenderFramesRequest = RenderFramesRequest & BlenderTaskOptions
export type BlenderRenderCropRequest = RenderCropRequest & Omit<BlenderTaskOptions, 'onSample'>

interface Task extends BlenderTaskOptions {
  scenePath: string
  frames: number[]
  settings: RenderSettings
  outDir: string
  crop?: CropRegion
  signal?: AbortSignal
  onProgress?: RenderFramesRequest['onProgress']
}

export class BlenderRenderer implements Renderer {
  private readonly opts: BlenderRendererOptions
  private readonly log: Logger
  private install: Promise<BlenderInstall> | undefined
  private prlimit: Promise<string | undefined> | undefined
  private landlock: Promise<Sandbox | undefined> | undefined
  private readonly lifetime = new AbortController()
  private readonly live = new Set<number>()
  private readonly inFlight = new Set<Promise<unknown>>()
  // A node that exits mid-render must not leave Blender behind.
  private readonly onExit = () => this.live.forEach(killGroup)

  constructor(opts: BlenderRendererOptions) {
    this.opts = opts
    this.log = opts.logger
  }

  /** The Blender found, detected once; rejects with BLENDER_NOT_FOUND (and retries next time) when there is none. */
  blender(): Promise<BlenderInstall> {
    this.install ??= detectBlender(this.opts.binary).then((found) => {
      if (found === undefined) {
        this.install = undefined
        throw new BlenderError('BLENDER_NOT_FOUND', 'Blender not found: install it (apt-get install blender), set PICTOR_BLENDER or pass its path')
      }
      this.log.info('blender found', { path: found.path, version: found.version, devices: found.devices })
      return found
    })
    return this.install
  }

  /** prlimit's path when util-linux provides it; without it there is no memory or CPU cap, only the wall clock. */
  prlimitPath(): Promise<string | undefined> {
    this.prlimit ??= execa('prlimit', ['--version'], { reject: false, timeout: 10_000 }).then((r) => {
      if (r.exitCode === 0) return 'prlimit'
      this.log.warn('prlimit not found: Blender runs without memory and CPU-time caps (install util-linux)')
      return undefined
    })
    return this.prlimit
  }

  /** The Landlock sandbox Blender runs in; undefined when turned off or unavailable here. */
  sandbox(): Promise<Sandbox | undefined> {
    this.landlock ??= (this.opts.sandbox ? probeSandbox() : Promise.resolve(undefined)).then((found) => {
      if (found !== undefined) this.log.info('Blender runs under Landlock', { abi: found.abi })
      else if (this.opts.sandbox) this.log.warn('no Landlock sandbox (needs Linux >= 5.13 and python3): Blender can write wherever this user can')
      return found
    })
    return this.landlock
  }

  async capabilities(): Promise<RendererCapabilities> {
    const b = await this.blender()
    return { name: 'blender', version: b.version, engines: [...b.engines], devices: [...b.devices], gpus: gpuNamesOf(b.gpus), maxSamples: MAX_SAMPLES }
  }

  async benchmark(signal?: AbortSignal): Promise<number> {
    const b = await this.blender()
    const scenePath = await benchScenePath({ blender: b.path, version: b.version, cacheDir: this.opts.cacheDir, signal })
    const outDir = await mkdtemp(join(this.opts.workDir, 'pictor-blender-bench-'))
    try {
      const { seconds } = await this.track(this.run({ scenePath, frames: BENCH_FRAMES, settings: BENCH_SETTINGS, outDir, signal }))
      const score = benchScore([...seconds.values()])
      this.log.info('benchmark', { seconds: [...seconds.values()], score })
      return score
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  }

  async renderFrames(request: BlenderRenderFramesRequest): Promise<RenderedFrame[]> {
    return (await this.track(this.run({ ...request, frames: [...request.frames] }))).rendered
  }

  async renderCrop(request: BlenderRenderCropRequest): Promise<RenderedFrame> {
    const { rendered } = await this.track(this.run({ ...request, frames: [request.frame] }))
    return rendered[0]!
  }

  async close(): Promise<void> {
    if (this.lifetime.signal.aborted) return
    this.lifetime.abort(new BlenderError('RENDERER_CLOSED', 'renderer is closed'))
    this.live.forEach(killGroup)
    await Promise.allSettled([...this.inFlight])
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work)
    try {
      return await work
    } finally {
      this.inFlight.delete(work)
    }
  }

  private trackGroup = (pgid: number, alive: boolean) => {
    if (alive) {
      if (this.live.size === 0) process.on('exit', this.onExit)
      this.live.add(pgid)
    } else {
      this.live.delete(pgid)
      if (this.live.size === 0) process.off('exit', this.onExit)
    }
  }

  private async run(task: Task): Promise<{ rendered: RenderedFrame[]; seconds: Map<number, number> }> {
    if (this.lifetime.signal.aborted) throw new BlenderError('RENDERER_CLOSED', 'renderer is closed')
    const install = await this.blender()
    const s = resolveSettings(task.settings, install)
    const format = task.settings.format ?? 'PNG'
    const fileFormat = blenderFileFormat(format)
    checkFrames(task.frames)
    if (task.crop !== undefined) checkCrop(task.crop, s)
    const timeoutMs = task.timeoutMs ?? this.opts.limits.timeoutMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new SettingsError(`timeout must be a positive number of ms, got ${timeoutMs}`)
    task.signal?.throwIfAborted()
    const scenePath = resolve(task.scenePath)
    const info = await checkBlendFile(scenePath, this.opts.limits)
    if (Number(info.version) > Number(install.version.split('.').slice(0, 2).join('.'))) {
      this.log.warn('scene saved by a newer Blender', { scene: info.version, blender: install.version })
    }
    const prlimit = await this.prlimitPath()
    const sandbox = await this.sandbox()
    await mkdir(this.opts.workDir, { recursive: true })
    const work = await mkdtemp(join(this.opts.workDir, 'pictor-blender-'))
    try {
      await chmod(work, 0o700)
      const dirs = { job: join(work, 'job'), out: join(work, 'out'), tmp: join(work, 'tmp'), cache: join(work, 'cache'), home: join(work, 'home') }
      await Promise.all(Object.values(dirs).map((d) => mkdir(d)))
      const { jobDir, blendPath } = await this.placeScene(scenePath, task.jobDir, dirs.job)
      const expected = task.crop ?? { width: s.width, height: s.height }
      const json: TaskJson = {
        nonce: randomBytes(12).toString('hex'),
        scenePath: blendPath,
        readRoots: [jobDir],
        outDir: dirs.out,
        cacheDir: dirs.cache,
        ...s,
        threads: this.opts.threads,
        frames: task.frames,
        border: task.crop === undefined ? null : cropBorder(task.crop, s),
        fileFormat
      }
      const jsonPath = join(work, 'task.json')
      await writeFile(jsonPath, JSON.stringify(json), { mode: 0o600 })
      await mkdir(task.outDir, { recursive: true })

      const rendered: RenderedFrame[] = []
      let exporting: Promise<void> = Promise.resolve()
      let exportError: unknown
      const output = new TaskOutput(json.nonce, {
        // Export frame n while frame n + 1 renders.
        onFrame: (frame, seconds) => {
          task.onFrameTime?.({ frame, seconds })
          exporting = exporting.then(async () => {
            if (exportError !== undefined) return
            const path = join(task.outDir, frameFileName(frame, format))
            await exportFrame(join(dirs.out, blenderFrameName(frame, fileFormat)), path, expected, format)
            rendered.push({ frame, path })
            task.onProgress?.({ frame, framesDone: rendered.length, framesTotal: task.frames.length })
          }).catch((err) => {
            exportError ??= err
          })
        },
        onSample: task.onSample
      }, this.log)
      const signal = task.signal === undefined ? this.lifetime.signal : AbortSignal.any([task.signal, this.lifetime.signal])
      const cpuSeconds = cpuSecondsFor(this.opts.limits, timeoutMs)
      const caps = prlimitArgs({ memoryBytes: this.opts.limits.memoryBytes, cpuSeconds, fileBytes: this.opts.limits.fileBytes })
      const env = blenderEnv(process.env, dirs.home, dirs.tmp)
      let command: string[] = [install.path, ...blenderArgs({ scenePath: blendPath, scriptPath: RENDER_SCRIPT, taskJsonPath: jsonPath })]
      if (sandbox !== undefined) {
        const policy = sandboxPolicy({ blenderDir: await blenderDir(install.path), scenePath: await realpath(scenePath), jobDir, workDir: work, gpuDevices: await gpuDevices(), env })
        const policyPath = join(work, 'sandbox.json')
        await writeFile(policyPath, JSON.stringify(policy), { mode: 0o600 })
        command = sandboxArgs(sandbox, policyPath, install.path, command.slice(1))
      }
      if (prlimit !== undefined) command = [prlimit, ...caps, ...command]
      const result = await runBlender({
        command: command[0]!,
        args: command.slice(1),
        env,
        cwd: work,
        timeoutMs,
        signal,
        onLine: (line) => output.line(line),
        track: this.trackGroup
      })
      await exporting
      output.check(result, {
        frames: task.frames.length,
        timeoutMs,
        memoryBytes: prlimit === undefined ? 0 : this.opts.limits.memoryBytes,
        cpuSeconds,
        abortReason: task.signal?.reason,
        closed: this.lifetime.signal.aborted
      })
      if (exportError !== undefined) throw exportError
      const stray = await strayOutputs(dirs.out)
      if (stray.length > 0) this.log.warn('Blender wrote files we did not ask for; discarded', { files: stray.slice(0, 5) })
      this.log.debug('blender task done', { frames: task.frames.length, ms: Math.round(result.ms), neutralised: output.neutralised.length })
      const order = new Map(task.frames.map((f, i) => [f, i]))
      return { rendered: rendered.sort((a, b) => order.get(a.frame)! - order.get(b.frame)!), seconds: output.seconds }
    } finally {
      await rm(work, { recursive: true, force: true }).catch((err) => this.log.warn('cannot remove task folder', { work, err }))
    }
  }

  /** Where Blender opens the scene, and the one folder its relative paths may reach. */
  private async placeScene(scenePath: string, jobDir: string | undefined, privateDir: string): Promise<{ jobDir: string; blendPath: string }> {
    if (jobDir === undefined) {
      // A link keeps big scenes uncopied; Blender resolves "//" against the link's folder, not the target's.
      const blendPath = join(privateDir, 'scene.blend')
      await symlink(await realpath(scenePath), blendPath)
      return { jobDir: privateDir, blendPath }
    }
    const root = await realpath(resolve(jobDir)).catch(() => {
      throw new SettingsError(`job folder ${jobDir} does not exist`)
    })
    const rel = relative(root, await realpath(scenePath))
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new SettingsError('the scene is not inside its job folder')
    }
    return { jobDir: root, blendPath: join(root, rel) }
  }
}
