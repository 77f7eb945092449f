// Resident memory and CPU time of a process on this machine, read from
// /proc (Linux): how the attack scenarios tell what an attack cost a node
// that runs in its own process.
import { readFileSync } from 'node:fs'

export interface ProcessStats {
  rssBytes: number
  /** User plus system CPU time since the process started, all threads. */
  cpuS: number
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100

/** Undefined when the process is gone (or there is no /proc). */
export async function processStats(pid: number): Promise<ProcessStats | undefined> {
  try {
    // Read synchronously: /proc files are tiny, and libuv's thread pool may be busy with an attack's crypto for seconds.
    const [status, stat] = [readFileSync(`/proc/${pid}/status`, 'utf8'), readFileSync(`/proc/${pid}/stat`, 'utf8')]
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN)
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    if (!Number.isFinite(rssKb) || !Number.isFinite(ticks)) return undefined
    return { rssBytes: rssKb * 1024, cpuS: ticks / CLOCK_TICKS }
  } catch {
    return undefined
  }
}

/** Samples a process's RSS every `everyMs` until stopped; the peak and the last sample. */
export class RssWatch {
  peakBytes = 0
  lastBytes = 0
  private readonly timer: ReturnType<typeof setInterval>

  constructor(pid: number, everyMs = 250) {
    this.timer = setInterval(() => {
      void processStats(pid).then((s) => {
        if (s === undefined) return
        this.lastBytes = s.rssBytes
        this.peakBytes = Math.max(this.peakBytes, s.rssBytes)
      })
    }, everyMs)
  }

  /** The peak since the last call (or the start), and starts a new one from the last sample. */
  takePeak(): number {
    const peak = Math.max(this.peakBytes, this.lastBytes)
    this.peakBytes = this.lastBytes
    return peak
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

export const MIB = 1024 * 1024

export const toMib = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10
