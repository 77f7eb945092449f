// Collects what one Blender run reported and turns its end into either
// success or one error line that says whose fault it was. Kept apart from
// the renderer so the mapping is unit-tested without Blender.
import type { Logger } from '../../log.ts'
import { BlenderError, SceneError, SettingsError } from './errors.ts'
import { type OutputEvent, parseLine } from './progress.ts'
import type { RunResult } from './process.ts'

const TAIL_LINES = 40

const secondsText = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)))

export interface TaskHooks {
  onFrame(frame: number, seconds: number): void
  onSample?(p: { frame: number; sample: number; samples: number }): void
}

export class TaskOutput {
  readonly neutralised: { what: string; name: string; path: string }[] = []
  readonly seconds = new Map<number, number>()
  private scriptError: { code: string; message: string } | undefined
  private blenderError: string | undefined
  private sandboxError: string | undefined
  private outOfMemory = false
  private done = false
  private readonly tail: string[] = []
  private readonly nonce: string
  private readonly hooks: TaskHooks
  private readonly log: Logger

  constructor(nonce: string, hooks: TaskHooks, log: Logger) {
    this.nonce = nonce
    this.hooks = hooks
    this.log = log
  }

  line(text: string): void {
    this.tail.push(text)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
    const event = parseLine(text, this.nonce)
    if (event !== undefined) this.event(event)
  }

  private event(e: OutputEvent): void {
    switch (e.kind) {
      case 'frame':
        this.seconds.set(e.frame, e.seconds)
        this.hooks.onFrame(e.frame, e.seconds)
        break
      case 'sample':
        this.hooks.onSample?.(e)
        break
      case 'neutralised':
        this.neutralised.push({ what: e.what, name: e.name, path: e.path })
        this.log.warn('scene content neutralised', { what: e.what, name: e.name, path: e.path })
        break
      case 'error':
        this.scriptError ??= { code: e.code, message: e.message }
        break
      case 'blender-error':
        this.blenderError ??= e.message
        break
      case 'sandbox-error':
        this.sandboxError ??= e.message
        break
      case 'out-of-memory':
        this.outOfMemory = true
        break
      case 'done':
        this.done = true
        break
    }
  }

  /** Throws the error this run ended with; returns when every frame was reported and Blender exited cleanly. */
  check(run: RunResult, ctx: { frames: number; timeoutMs: number; memoryBytes: number; cpuSeconds: number; abortReason?: unknown; closed: boolean }): void {
    if (ctx.closed) throw new BlenderError('RENDERER_CLOSED', 'renderer closed during the render')
    if (run.aborted) {
      const why = ctx.abortReason instanceof Error ? `: ${ctx.abortReason.message}` : ''
      throw new BlenderError('ABORTED', `render aborted${why}; Blender was killed`, { cause: ctx.abortReason })
    }
    if (run.timedOut) throw new BlenderError('TIMED_OUT', `render passed its stop time of ${secondsText(ctx.timeoutMs)} s; Blender was killed`)
    if (this.scriptError !== undefined) {
      const { code, message } = this.scriptError
      if (code === 'SCENE_INVALID') throw new SceneError(message)
      if (code === 'SETTINGS_INVALID') throw new SettingsError(message)
      throw new BlenderError('RENDER_FAILED', `render failed: ${message}`)
    }
    if (this.sandboxError !== undefined && run.exitCode === 126) throw new BlenderError('RENDER_FAILED', `cannot confine Blender: ${this.sandboxError}`)
    if (run.spawnError !== undefined) throw new BlenderError('BLENDER_NOT_FOUND', `cannot start Blender: ${run.spawnError}`)
    if (run.signal === 'SIGXCPU') throw new BlenderError('CPU_LIMIT', `render used its CPU-time cap of ${ctx.cpuSeconds} s; Blender was stopped`)
    if (this.outOfMemory) throw new BlenderError('MEMORY_LIMIT', `render needs more memory than its cap of ${Math.round(ctx.memoryBytes / 2 ** 20)} MiB`)
    const ok = run.exitCode === 0 && run.signal === undefined && this.done && this.seconds.size === ctx.frames
    if (ok) return
    this.log.debug('blender output tail', { lines: this.tail.join('\n') })
    // Blender exits 1 without running our script when it cannot load the file.
    if (!this.done && this.seconds.size === 0 && run.exitCode === 1 && this.blenderError !== undefined) throw new SceneError(`Blender cannot load it: ${this.blenderError}`)
    const how = run.signal !== undefined ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`
    const detail = this.blenderError !== undefined ? ` (${this.blenderError})` : ''
    throw new BlenderError('RENDER_FAILED', `Blender ${how} after ${this.seconds.size} of ${ctx.frames} frames${detail}`)
  }
}
