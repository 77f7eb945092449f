// The V8 flags a node runs with are written in two places that cannot share
// code (bin/pictor.mjs runs before TypeScript can); they must say the same.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { NODE_V8_FLAGS } from '../../../../node/cli/v8-flags.ts'

const BIN = join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'pictor.mjs')

describe('the V8 flags of a node', () => {
  it("are bin/pictor.mjs's shebang flags and the flags it gives an older Node's child", async () => {
    const text = await readFile(BIN, 'utf8')
    expect(text.split('\n')[0]).toBe(`#!/usr/bin/env -S node ${NODE_V8_FLAGS.join(' ')}`)
    expect(text).toContain(`const v8Flags = [${NODE_V8_FLAGS.map((f) => `'${f}'`).join(', ')}]`)
  })

  it('take effect: V8 reports the old-generation limit they set', async () => {
    const script = 'console.log(require("node:v8").getHeapStatistics().heap_size_limit)'
    const { stdout } = await promisify(execFile)(process.execPath, [...NODE_V8_FLAGS, '-e', script])
    const limitMib = Number(stdout) / 2 ** 20
    // The limit counts the young generation too: a few MiB over the old generation's.
    expect(limitMib).toBeGreaterThanOrEqual(768)
    expect(limitMib).toBeLessThan(800)
  })
})
