import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../../../node/cli/duration.ts'
import { alertLines, deadlineLine, frameRanges, longTaskRows, stoppedAtDeadline, timingLine, workerTimingRows } from '../../../../node/cli/job-timing.ts'
import { viewOf } from '../../../../node/roles/creator/job-view.ts'
import type { JobRecord } from '../../../../node/roles/creator/job-record.ts'
import { claimTask, commitResult, expireLeases, isRefusal } from '../../../../node/roles/creator/scheduler.ts'
import { raiseAlerts } from '../../../../node/roles/creator/timing.ts'
import { newJob, W1, W2, withVerifiedTask } from '../roles/creator/fixtures.ts'

function rendered(job: JobRecord, worker: string, leasedMs: number, committedMs: number): JobRecord {
  const claimed = claimTask(job, worker, `l${leasedMs}-${committedMs}`, committedMs + 1, leasedMs)
  if (isRefusal(claimed)) throw new Error(claimed.reason)
  const committed = commitResult(claimed.job, worker, claimed.task.index, claimed.task.leaseId!, 'root', committedMs)
  if (isRefusal(committed)) throw new Error(committed.reason)
  return committed.job
}

describe('job timing output', () => {
  it('formats durations and frame ranges', () => {
    expect([850, 12_345, 245_000, 7_380_000, 93_600_000].map(formatDuration)).toEqual(['850ms', '12.3s', '4m05s', '2h03m', '1d02h'])
    expect(frameRanges([3, 4, 5, 9, 11, 12])).toBe('3-5, 9, 11-12')
    expect(frameRanges([])).toBe('')
  })

  it('says when the deadline passed, which frames are undone, and when nothing more will happen', () => {
    const base = withVerifiedTask(newJob(6, 2), W1)
    const job: JobRecord = { ...base, spec: { ...base.spec, timeoutStopS: 600 } }
    expect(deadlineLine(viewOf(job, 0))).toBe('1970-01-01T00:10:00.000Z (timeout_stop 10m00s)')
    expect(stoppedAtDeadline(viewOf(job, 0))).toBe(false)
    const late = viewOf(job, 600_000)
    expect(deadlineLine(late)).toBe('passed at 1970-01-01T00:10:00.000Z: no new leases; 4 frames undone (3-6)')
    expect(stoppedAtDeadline(late)).toBe(true)
    // A task still leased may yet finish: job watch keeps following it.
    const claimed = claimTask(job, W2, 'l2', 650_000, 599_000)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    expect(stoppedAtDeadline(viewOf(claimed.job, 600_000))).toBe(false)
  })

  it('prints alerts and the long tasks against the median, per worker', () => {
    let job: JobRecord = { ...newJob(4, 1), timeoutAlertS: 300 }
    job = rendered(job, W1, 0, 60_000)
    job = rendered(job, W1, 0, 62_000)
    job = rendered(job, W2, 0, 400_000)
    const leased = claimTask(job, W2, 'l9', 700_000, 0)
    if (isRefusal(leased)) throw new Error(leased.reason)
    job = expireLeases(leased.job, 700_000)!
    job = raiseAlerts(job, 700_000)!.job
    const view = viewOf(job, 700_000)
    expect(alertLines(view)).toEqual([
      'tasks over 5m00s (--timeout-alert): 2',
      `  task 2 (frames 3) on ${W2.slice(0, 12)}…: 6m40s, committed, alerted 1970-01-01T00:11:40.000Z`,
      `  task 3 (frames 4) on ${W2.slice(0, 12)}…: 11m40s, expired, alerted 1970-01-01T00:11:40.000Z`
    ])
    expect(timingLine(view)).toBe('median task 1m02s over 3 committed; 2 ran long (over 2x the median or the alert)')
    expect(longTaskRows(view)).toEqual([
      ['3', '4', `${W2.slice(0, 12)}…`, '11m40s', '11.3x', 'expired, alert'],
      ['2', '3', `${W2.slice(0, 12)}…`, '6m40s', '6.5x', 'committed, alert']
    ])
    expect(workerTimingRows(view)).toEqual([
      [`${W2.slice(0, 12)}…`, '1', '6m40s', '2', '1'],
      [`${W1.slice(0, 12)}…`, '2', '1m01s', '0', '0']
    ])
    expect(alertLines({ ...view, timeoutAlertS: undefined })).toEqual([])
  })
})
