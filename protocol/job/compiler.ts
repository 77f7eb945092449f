// Job compiler: a job becomes tasks of `framesPerTask` consecutive frames,
// the last one shorter when the frame count does not divide evenly. Pure and
// deterministic, so creator, workers and checkers agree on which frames task
// N covers without being told (SPEC R52).
import type { JobSpec } from './spec.ts'

export interface Task {
  index: number
  frameStart: number
  /** Inclusive. */
  frameEnd: number
}

export type TaskLayout = Pick<JobSpec, 'frameStart' | 'frameEnd' | 'framesPerTask'>

export function compileJob(spec: TaskLayout): Task[] {
  const tasks: Task[] = []
  for (let start = spec.frameStart, index = 0; start <= spec.frameEnd; start += spec.framesPerTask, index++) {
    tasks.push({ index, frameStart: start, frameEnd: Math.min(start + spec.framesPerTask - 1, spec.frameEnd) })
  }
  return tasks
}

export function taskCount(spec: TaskLayout): number {
  if (spec.frameEnd < spec.frameStart) return 0
  return Math.ceil((spec.frameEnd - spec.frameStart + 1) / spec.framesPerTask)
}

/** Task N without compiling the whole job; undefined when out of range. */
export function taskAt(spec: TaskLayout, index: number): Task | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= taskCount(spec)) return undefined
  const frameStart = spec.frameStart + index * spec.framesPerTask
  return { index, frameStart, frameEnd: Math.min(frameStart + spec.framesPerTask - 1, spec.frameEnd) }
}
