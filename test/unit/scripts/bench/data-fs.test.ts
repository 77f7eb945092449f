// dataFsOf names the file system a bench's data folder is on, from
// /proc/self/mountinfo and jbd2's /proc folders (Linux).
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { dataFsOf } from '../../../../scripts/bench/lib/data-fs.ts'

const linux = process.platform === 'linux' && existsSync('/proc/self/mountinfo')

describe.runIf(linux)('dataFsOf', () => {
  it('names the mount of a folder by its device: the process file system is proc', () => {
    expect(dataFsOf('/proc/self')).toEqual({ dir: '/proc/self', type: 'proc', source: 'proc', journal: null })
  })

  it('says whether an ext4 file system has a journal, and nothing about one for other types', () => {
    const fs = dataFsOf(tmpdir())
    expect(fs.type).toMatch(/^[a-z0-9]+$/)
    if (fs.type === 'ext4') expect(typeof fs.journal).toBe('boolean')
    else expect(fs.journal).toBeNull()
  })

  it('a folder that does not exist is reported as unknown', () => {
    expect(dataFsOf('/nonexistent/pictor')).toEqual({ dir: '/nonexistent/pictor', type: null, source: null, journal: null })
  })
})
