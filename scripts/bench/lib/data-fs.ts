// The file system a bench's data folders live on, for its report: a task
// creates files, and what a new inode costs depends on the file system. ext4
// without a journal skips every inode freed in the last minutes when it
// hands out a new one (recently_deleted), which made file creation ~1 ms on
// this machine's root file system. Linux only (mountinfo, jbd2); elsewhere
// the type and journal are null.
import { readdirSync, readFileSync, statSync } from 'node:fs'

export interface DataFs {
  dir: string
  /** The mount's file-system type (ext4, tmpfs, ...). */
  type: string | null
  /** The mount's source (/dev/vda, tmpfs, ...). */
  source: string | null
  /** ext4 only: whether the file system has a journal (a jbd2 journal is running for its device). */
  journal: boolean | null
}

export function dataFsOf(dir: string): DataFs {
  const unknown: DataFs = { dir, type: null, source: null, journal: null }
  let dev: number
  let mountinfo: string
  try {
    dev = statSync(dir).dev
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return unknown
  }
  const wanted = `${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | ((dev >> 12) & 0xfff00)}`
  // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": id, parent, major:minor, ..., " - ", type, source.
  const line = mountinfo.split('\n').findLast((l) => l.split(' ')[2] === wanted)
  if (line === undefined) return unknown
  const [type, source] = (line.split(' - ')[1] ?? '').split(' ')
  if (type === undefined || source === undefined) return unknown
  return { dir, type, source, journal: type === 'ext4' ? hasJournal(source) : null }
}

/** jbd2 names its /proc folder after the device and the journal's inode: "vda-8", "loop0-8". */
function hasJournal(source: string): boolean | null {
  try {
    const device = source.replace(/^\/dev\//, '')
    return readdirSync('/proc/fs/jbd2').some((name) => name.startsWith(`${device}-`))
  } catch {
    return null
  }
}
