import { describe, expect, it } from 'vitest'
import {
  afterEvent,
  afterProgress,
  INITIAL_FOLLOW_STATE,
  isApplied,
  parseFollowState
} from '../../../../../node/ledger/sui/follow-state.ts'

const at = (id: string, checkpoint?: bigint) => ({ id, checkpoint })

describe('follow state', () => {
  it('knows an event again by its checkpoint, and within the last checkpoint by its id', () => {
    let state = afterEvent(INITIAL_FOLLOW_STATE, at('A:0', 5n), 'c1', true)
    state = afterEvent(state, at('A:1', 5n), 'c2', true)
    expect(state).toEqual({ cursor: 'c2', checkpoint: '5', ids: ['A:0', 'A:1'], seq: 2 })
    expect(isApplied(state, at('Z:0', 4n))).toBe(true)
    expect(isApplied(state, at('A:1', 5n))).toBe(true)
    expect(isApplied(state, at('B:0', 5n))).toBe(false)
    expect(isApplied(state, at('A:0', 6n))).toBe(false)
    // an event that became no ledger event (RegistryCreated) moves the position, not the seq
    expect(afterEvent(state, at('C:0', 6n), 'c3', false)).toEqual({ cursor: 'c3', checkpoint: '6', ids: ['C:0'], seq: 2 })
  })

  it('falls back on ids when the server gives no checkpoint', () => {
    const state = afterEvent(INITIAL_FOLLOW_STATE, at('A:0'), null, true)
    expect(state).toEqual({ cursor: null, checkpoint: null, ids: ['A:0'], seq: 1 })
    expect(isApplied(state, at('A:0'))).toBe(true)
    expect(isApplied(state, at('A:0', 3n))).toBe(true)
    expect(isApplied(state, at('B:0'))).toBe(false)
  })

  it('saves progress of its own scan always, a stream frame only past the last checkpoint', () => {
    const state = afterEvent(INITIAL_FOLLOW_STATE, at('A:0', 5n), 'c1', true)
    expect(afterProgress(state, 'c1', 9n, true)).toBeUndefined()
    expect(afterProgress(state, 'c2', undefined, true)).toEqual({ ...state, cursor: 'c2' })
    expect(afterProgress(state, 'c2', 5n, false)).toBeUndefined()
    expect(afterProgress(state, 'c2', 6n, false)).toEqual({ cursor: 'c2', checkpoint: '6', ids: [], seq: 1 })
  })

  it('reads back what it saved and refuses anything else', () => {
    const saved = { cursor: 'YXQ6Mw==', checkpoint: '12', ids: ['T:0'], seq: 3 }
    expect(parseFollowState('s', JSON.parse(JSON.stringify(saved)))).toEqual(saved)
    expect(parseFollowState('s', undefined)).toEqual(INITIAL_FOLLOW_STATE)
    for (const bad of [null, 'x', { ...saved, cursor: 'not base64!' }, { ...saved, checkpoint: '-1' }, { ...saved, ids: [1] }, { ...saved, seq: 1.5 }]) {
      expect(() => parseFollowState('s', bad)).toThrow(/saved Sui event cursor s is damaged/)
    }
  })
})
