import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assembleJob, envelopeKey, envelopePartOf, headerKey, headerOf, noParts, parseKey, taskKey, taskPartOf, workerKey, workerPartOf, workersOf } from '../../../../../node/roles/creator/job-layout.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

const jobId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))

describe('creator job layout', () => {
  it('names each part by a key that reads back as the same job, kind and task or worker', () => {
    fc.assert(
      fc.property(jobId, fc.nat(99_999_999), jobId, (id, index, worker) => {
        expect(parseKey(headerKey(id))).toEqual({ id, kind: 'h' })
        expect(parseKey(taskKey(id, index))).toEqual({ id, kind: 't', index })
        expect(parseKey(envelopeKey(id, index))).toEqual({ id, kind: 'e', index })
        expect(parseKey(workerKey(id, worker))).toEqual({ id, kind: 'w', worker })
      })
    )
    for (const odd of ['', 'abc', 'abc/x', 'abc/t', 'abc/t/-1', 'abc/t/1/2', 'abc/h/1', '/h', 'abc/e/1e3', 'abc/w', 'abc/w/XY', 'abc/w/a/b']) expect(parseKey(odd), odd).toBeUndefined()
  })

  it('splits a job into parts that put it back together, each frame with the task whose range holds it', () => {
    const job = { ...withVerifiedTask(withVerifiedTask(newJob(7, 3), W1), W2, 'ee'.repeat(32)), verified: undefined, timings: undefined }
    const parts = noParts()
    parts.header = headerOf(job)
    for (const task of job.tasks) {
      parts.tasks.set(task.index, taskPartOf(job, task.index))
      const results = envelopePartOf(job, task.index)
      if (results !== undefined) parts.envelopes.set(task.index, results)
    }
    for (const worker of workersOf(job)) parts.workers.set(worker, workerPartOf(job, worker)!)
    // The header names no worker: a bid or a payment writes that worker's part alone.
    expect(JSON.stringify(parts.header)).not.toContain(W1)
    expect(Object.keys(taskPartOf(job, 1).frames ?? {})).toEqual(['4', '5', '6'])
    expect(taskPartOf(job, 2).frames).toBeUndefined()
    expect(assembleJob(job.id, parts)).toEqual(job)
    // The optional maps come back absent, not empty.
    expect('verified' in assembleJob(job.id, parts)).toBe(false)
  })

  it('reads a header of the earlier layout, which holds the per-worker maps itself', () => {
    const job = withVerifiedTask(newJob(4, 2), W1)
    const parts = noParts()
    parts.header = { ...headerOf(job), job: { ...headerOf(job).job, admitted: job.admitted, paid: job.paid } }
    for (const task of job.tasks) {
      parts.tasks.set(task.index, taskPartOf(job, task.index))
      const results = envelopePartOf(job, task.index)
      if (results !== undefined) parts.envelopes.set(task.index, results)
    }
    expect(Object.keys(job.paid)).toEqual([W1])
    expect(assembleJob(job.id, parts)).toEqual(job)
  })
})
