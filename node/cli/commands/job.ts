import { LIMITS } from '../../../protocol/index.ts'
import { ApiClient } from '../../api/client.ts'
import type { JobView } from '../../roles/creator/index.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { checkLine, downloadFrames, settlementLine } from '../job-client.ts'
import { printTimeouts } from '../job-timing.ts'
import { watchJob } from '../job-watch.ts'
import { printTable } from '../table.ts'
import { plan, submit } from './job-submit.ts'

function frameList(value: unknown): number[] {
  const text = typeof value === 'string' ? value : ''
  const frames = text.split(',').map((f) => Number(f.trim()))
  if (text === '' || frames.length > LIMITS.maxFramesPerTask || !frames.every((f) => Number.isInteger(f) && f >= 0 && f <= LIMITS.maxFrameNumber)) {
    throw new UsageError('--frames must be a comma-separated list of frame numbers, e.g. --frames 7,9')
  }
  return frames
}

const JOB_ID = /^[0-9a-f]{64}$/
function jobId(value: string | undefined): string {
  if (value === undefined || !JOB_ID.test(value)) throw new UsageError(`a job id is 64 hex characters, got ${value === undefined ? 'nothing' : `"${value}"`}`)
  return value
}

function printStatus(view: JobView): void {
  console.log(`job      ${view.id}`)
  console.log(`status   ${view.status}`)
  const settlement = settlementLine(view)
  if (settlement !== undefined) console.log(`ledger   ${settlement.line}`)
  console.log(`frames   ${view.counts.succeeded} succeeded, ${view.counts.processing} processing, ${view.counts.enqueued} enqueued, ${view.counts.failed} failed`)
  console.log(`checks   ${checkLine(view)}`)
  if (view.acceptedMs !== undefined) console.log(`accepted ${new Date(view.acceptedMs).toISOString()}`)
  for (const reason of view.noBids ?? []) console.log(`no bids  ${reason}`)
  printTimeouts(view)
  printTable(['frame', 'status', 'worker', 'attempts'], view.frames.map((f) => [String(f.frame), f.unchecked ? `${f.status}, unchecked` : f.status, f.worker ? `${f.worker.slice(0, 16)}…` : '-', String(f.attempts)]))
}

export const jobCommand: Command = {
  summary: 'plan, submit, follow, download, review, dispute, accept or cancel render jobs (talks to the running creator node)',
  usage: [
    'pictor job submit <scene> --frames 1-48 --max-price P [--frames-per-task 4] [--resolution HD|FHD|QHD|2K|4K|8K|WxH]',
    '                  [--samples N] [--seed S] [--timeout-stop 10m] [--timeout-alert 5m] [--test-frame N] [--min-bench N] [--renderer builtin|blender] [--watch]',
    '                  Blender scenes (.blend): [--engine CYCLES|BLENDER_EEVEE] [--device CPU|GPU] [--blender-version 3.4] [--format PNG|JPEG|EXR]',
    '                  <scene> may be a project folder or .zip (a .blend plus its textures, caches, libraries): [--main path/in/project.blend]',
    '                  [--name TEXT] [--comment TEXT] [--out DIR] [--yes] [--tier 1|2|3]',
    '                  worker filters: [--region eu-west,us-east] [--gpus N] [--gpu-vendor NVIDIA] [--gpu-model A100] [--min-ram 16G]',
    'pictor job plan <scene> (the submit flags)   (tasks, escrow and what fitting workers ask, before anything is uploaded)',
    'pictor job status <id> [--json]',
    'pictor job watch <id>',
    'pictor job download <id> <dir>',
    'pictor job review <id>',
    'pictor job dispute <id> --frames 7,9 [--reason "..."]   (an independent full check, or with no checker a re-render by another worker)',
    'pictor job accept <id>   (sign a completed job off; no dispute after it)',
    'pictor job cancel <id>',
    'pictor job list',
    'all take [--data-dir DIR] (the creator node\'s data dir)'
  ].join('\n       '),
  async run(argv) {
    const action = argv[0]
    if (action === 'submit') return submit(argv)
    if (action === 'plan') return plan(argv)
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, frames: { type: 'string' }, reason: { type: 'string' } }, 3)
    // Check the arguments before reaching for the node.
    const id = ['status', 'watch', 'download', 'cancel', 'review', 'dispute', 'accept'].includes(action ?? '') ? jobId(positionals[1]) : ''
    const disputed = action === 'dispute' ? frameList(values.frames) : []
    if (action === 'download' && positionals[2] === undefined) throw new UsageError('job download needs a target folder')
    const client = await ApiClient.fromDataDir(dataDirFlag(values))
    switch (action) {
      case 'list': {
        const jobs = await client.request<JobView[]>('GET', '/api/jobs')
        printTable(['job', 'status', 'done', 'frames'], jobs.map((j) => [j.id, j.status, String(j.counts.succeeded), String(j.frames.length)]))
        return 0
      }
      case 'status': {
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        if (values.json) console.log(JSON.stringify(view, null, 2))
        else printStatus(view)
        return 0
      }
      case 'watch':
        return watchJob(client, id)
      case 'download': {
        const dir = positionals[2]!
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        const paths = await downloadFrames(client, view, dir)
        console.log(`${paths.length} of ${view.frames.length} frames written to ${dir}`)
        return paths.length === view.frames.length ? 0 : 1
      }
      case 'review': {
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        const short = (keys?: string[]) => (keys === undefined || keys.length === 0 ? '-' : keys.map((k) => `${k.slice(0, 12)}…`).join(' '))
        printTable(['frame', 'status', 'worker', 'checked by', 'attempts'], view.frames.map((f) => [String(f.frame), f.status, short(f.worker ? [f.worker] : []), f.unchecked ? 'unchecked' : short(f.checkedBy), String(f.attempts)]))
        for (const d of view.disputes) console.log(`dispute: task ${d.taskIndex} frames ${d.frames.join(',')} (${d.reason}): ${d.outcome}${d.detail ? ` — ${d.detail}` : ''}`)
        return 0
      }
      case 'dispute': {
        const { disputes } = await client.request<{ disputes: JobView['disputes'] }>('POST', `/api/jobs/${id}/dispute`, { frames: disputed, reason: values.reason })
        console.log(`${disputes.length} task(s) disputed: checked again in full by an independent checker, or, with none, rendered again by another worker; see \`pictor job review ${id}\``)
        return 0
      }
      case 'accept': {
        const view = await client.request<JobView>('POST', `/api/jobs/${id}/accept`)
        console.log(`job ${view.id} accepted`)
        return 0
      }
      case 'cancel': {
        const view = await client.request<JobView>('POST', `/api/jobs/${id}/cancel`)
        console.log(`job ${view.id} ${view.status}`)
        return 0
      }
      default:
        throw new UsageError(`job needs submit, plan, status, watch, download, review, dispute, accept, cancel or list, got ${action === undefined ? 'nothing' : `"${action}"`}`)
    }
  }
}
