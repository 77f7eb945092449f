import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import type { RunResult } from '../../../../../node/renderers/blender/process.ts'
import { TaskOutput } from '../../../../../node/renderers/blender/task-outcome.ts'

const N = 'abc'
const CTX = { frames: 2, timeoutMs: 2500, memoryBytes: 2 ** 30, cpuSeconds: 90, closed: false }
const ran = (over: Partial<RunResult> = {}): RunResult => ({ exitCode: 0, signal: undefined, timedOut: false, aborted: false, ms: 1, ...over })

function output(lines: string[]) {
  const frames: number[] = []
  const out = new TaskOutput(N, { onFrame: (f) => frames.push(f) }, silentLogger)
  for (const l of lines) out.line(l)
  return { out, frames }
}

const codeOf = (fn: () => void) => {
  try {
    fn()
  } catch (err) {
    return [(err as { code: string }).code, (err as Error).message]
  }
  return ['ok', '']
}

describe('TaskOutput', () => {
  it('succeeds only when every frame was reported, done was said and Blender exited 0', () => {
    const { out, frames } = output([`PICTOR ${N} frame 1 0.2`, `PICTOR ${N} frame 2 0.3`, `PICTOR ${N} done`])
    expect(frames).toEqual([1, 2])
    expect(codeOf(() => out.check(ran(), CTX))[0]).toBe('ok')
    expect(codeOf(() => out.check(ran({ exitCode: 3 }), CTX))[0]).toBe('RENDER_FAILED')
    expect(codeOf(() => output([`PICTOR ${N} frame 1 0.2`, `PICTOR ${N} done`]).out.check(ran(), CTX))[1]).toMatch(/after 1 of 2 frames/)
  })

  it('names the cause: stop time, abort, caps, scene, settings', () => {
    expect(codeOf(() => output([]).out.check(ran({ timedOut: true, signal: 'SIGKILL' }), CTX))).toEqual(['TIMED_OUT', 'render passed its stop time of 2.5 s; Blender was killed'])
    expect(codeOf(() => output([]).out.check(ran({ aborted: true }), { ...CTX, abortReason: new Error('lease lost') }))[1]).toBe('render aborted: lease lost; Blender was killed')
    expect(codeOf(() => output([]).out.check(ran({ signal: 'SIGXCPU' }), CTX))[0]).toBe('CPU_LIMIT')
    expect(codeOf(() => output(['Calloc returns null: len=1']).out.check(ran({ signal: 'SIGSEGV' }), CTX))).toEqual(['MEMORY_LIMIT', 'render needs more memory than its cap of 1024 MiB'])
    expect(codeOf(() => output([`PICTOR ${N} error SCENE_INVALID "the scene has no active camera"`]).out.check(ran({ exitCode: 3 }), CTX))).toEqual(['SCENE_INVALID', 'scene: the scene has no active camera'])
    expect(codeOf(() => output([`PICTOR ${N} error SETTINGS_INVALID "no GPU device available to Blender"`]).out.check(ran({ exitCode: 3 }), CTX))[0]).toBe('SETTINGS_INVALID')
    expect(codeOf(() => output(["Error: Failed to read blend file '/x': Missing DNA block"]).out.check(ran({ exitCode: 1 }), CTX))).toEqual(['SCENE_INVALID', "scene: Blender cannot load it: Failed to read blend file '/x': Missing DNA block"])
    expect(codeOf(() => output([]).out.check(ran({ exitCode: undefined, spawnError: 'ENOENT' }), CTX))[0]).toBe('BLENDER_NOT_FOUND')
    expect(codeOf(() => output([]).out.check(ran({ signal: 'SIGSEGV' }), CTX))[1]).toMatch(/killed by SIGSEGV after 0 of 2 frames/)
    expect(codeOf(() => output(['sandbox: Landlock is not available']).out.check(ran({ exitCode: 126 }), CTX))).toEqual(['RENDER_FAILED', 'cannot confine Blender: Landlock is not available'])
  })

  it('ignores report lines with another nonce', () => {
    const { out, frames } = output(['PICTOR zzz frame 1 0.1', 'PICTOR zzz frame 2 0.1', 'PICTOR zzz done'])
    expect(frames).toEqual([])
    expect(codeOf(() => out.check(ran(), CTX))[0]).toBe('RENDER_FAILED')
  })
})
