import { describe, expect, it } from 'vitest'
import { checkLine, progressLine } from '../../../../node/cli/job-client.ts'
import { viewOf } from '../../../../node/roles/creator/job-view.ts'
import { newJob, W1, withVerifiedTask } from '../roles/creator/fixtures.ts'

describe('job progress lines', () => {
  it('counts frames accepted on integrity alone in job watch and job status', () => {
    const job = withVerifiedTask(newJob(4, 2), W1)
    const checked = viewOf(job, 0)
    expect(progressLine(checked, 4)).toBe('[##..] 2/4 frames, 0 rendering, 0 retrying')
    expect(checkLine(checked)).toBe('0 of 2 accepted frames unchecked: a checker was available for every result')
    const frames = Object.fromEntries(Object.entries(job.frames).map(([n, f]) => [n, { ...f, checkedBy: [], unchecked: true }]))
    const unchecked = viewOf({ ...job, frames }, 0)
    expect(progressLine(unchecked, 4)).toBe('[##..] 2/4 frames, 0 rendering, 0 retrying, 2 unchecked')
    expect(checkLine(unchecked)).toBe('2 of 2 accepted frames unchecked: accepted on integrity alone, no checker was available')
  })

  it('says why nobody bids, on the one line job watch redraws', () => {
    const view = viewOf({ ...newJob(4, 2), admitted: {} }, 0, ['no worker runs blender >=9 (workers run 3.4.1)', 'every worker asks more than your price cap of 100 (the cheapest asks 800)'])
    expect(progressLine(view, 4)).toBe(
      '[....] 0/4 frames, 0 rendering, 0 retrying; no bids: no worker runs blender >=9 (workers run 3.4.1); every worker asks more than your price cap of 100 (the cheapest asks 800)'
    )
  })
})
