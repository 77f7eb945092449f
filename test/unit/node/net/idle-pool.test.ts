import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type IdleEndReason, IdlePool } from '../../../../node/net/idle-pool.ts'

interface Item {
  name: string
  usable: boolean
}

function pool(maxPerKey = 2) {
  const ended: [string, IdleEndReason][] = []
  const left: string[] = []
  const p = new IdlePool<Item>({ idleMs: 1_000, maxPerKey, usable: (i) => i.usable, end: (i, why) => void ended.push([i.name, why]), left: (i) => void left.push(i.name) })
  return { p, ended, left }
}
const item = (name: string, usable = true): Item => ({ name, usable })

describe('idle pool', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('hands out the most recently kept usable item of a key, ending stale ones met on the way', () => {
    const { p, ended, left } = pool(3)
    const [a, b, c] = [item('a'), item('b'), item('c')]
    for (const i of [a, b, c]) expect(p.keep('k', i)).toBe(true)
    expect(p.keep('other', item('x'))).toBe(true)
    expect(p.size).toBe(4)
    c.usable = false
    expect(p.take('k')).toBe(b)
    expect(ended).toEqual([['c', 'stale']])
    expect(left).toEqual(['c', 'b'])
    expect(p.take('k')).toBe(a)
    expect(p.take('k')).toBeUndefined()
    expect(p.size).toBe(1)
  })

  it('ends what it cannot keep: an unusable item, or one past the bound of its key', () => {
    const { p, ended } = pool(1)
    expect(p.keep('k', item('dead', false))).toBe(false)
    expect(p.keep('k', item('a'))).toBe(true)
    expect(p.keep('k', item('b'))).toBe(false)
    expect(ended).toEqual([
      ['dead', 'unusable'],
      ['b', 'full']
    ])
    expect(p.size).toBe(1)
  })

  it('ends an item idle for idleMs, and a taken or removed one never', () => {
    const { p, ended } = pool()
    const [a, b, c] = [item('a'), item('b'), item('c')]
    p.keep('k', a)
    p.keep('k', b)
    p.keep('j', c)
    expect(p.take('k')).toBe(b)
    expect(p.remove('j', c)).toBe(true)
    expect(p.remove('j', c)).toBe(false)
    vi.advanceTimersByTime(1_000)
    expect(ended).toEqual([['a', 'expired']])
    expect(p.size).toBe(0)
  })

  it('ends every waiting item on close', () => {
    const { p, ended, left } = pool()
    p.keep('k', item('a'))
    p.keep('j', item('b'))
    p.close()
    expect(ended).toEqual([
      ['a', 'closed'],
      ['b', 'closed']
    ])
    expect(left).toEqual(['a', 'b'])
    expect(p.size).toBe(0)
    vi.advanceTimersByTime(5_000)
    expect(ended).toHaveLength(2)
  })
})
