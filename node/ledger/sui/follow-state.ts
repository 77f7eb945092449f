// Where a followed event stream stands, as saved in LevelDB after each
// applied event: the server's resume cursor, and enough of the last
// checkpoint to recognise an event seen before. Pure: ./follower.ts reads
// and writes it.
//
// Why more than the cursor: the list scan and the live stream overlap when
// one takes over from the other, and a watermark may repeat (the server
// does not promise that an event's frame moves the cursor past it). Events
// arrive in ledger order, so anything in an earlier checkpoint than the
// last applied one was applied already, and within that checkpoint the ids
// of the applied events tell.

import { DataDirError } from '../../errors.ts'

export interface FollowState {
  /** Base64 resume cursor (`options.after` of ListEvents); null: from the start of the ledger. */
  cursor: string | null
  /** Checkpoint of the last applied event, or the last one the scan fully covered (decimal). */
  checkpoint: string | null
  /** Ids (`txDigest:eventIndex`) of the events applied in `checkpoint`. */
  ids: string[]
  /** The `seq` the next delivered ledger event gets: events delivered on this stream so far. */
  seq: number
}

export const INITIAL_FOLLOW_STATE: FollowState = { cursor: null, checkpoint: null, ids: [], seq: 0 }

/**
 * More of our events than this in one checkpoint is far beyond what one
 * checkpoint holds today; past it the oldest ids are dropped, and only a
 * replay of that very checkpoint could repeat one of them.
 */
export const MAX_IDS_PER_CHECKPOINT = 4096

/** Where an incoming event sits: `checkpoint` is undefined when the server did not say. */
export interface EventPosition {
  id: string
  checkpoint: bigint | undefined
}

export function eventId(txDigest: string, eventIndex: number): string {
  return `${txDigest}:${eventIndex}`
}

export function isApplied(state: FollowState, event: EventPosition): boolean {
  if (event.checkpoint !== undefined && state.checkpoint !== null) {
    const last = BigInt(state.checkpoint)
    if (event.checkpoint < last) return true
    if (event.checkpoint > last) return false
  }
  return state.ids.includes(event.id)
}

/** The state once `event` is applied; `delivered` when it became a ledger event (and took a seq). */
export function afterEvent(state: FollowState, event: EventPosition, cursor: string | null, delivered: boolean): FollowState {
  const checkpoint = event.checkpoint === undefined ? state.checkpoint : String(event.checkpoint)
  const ids = checkpoint === state.checkpoint ? [...state.ids, event.id].slice(-MAX_IDS_PER_CHECKPOINT) : [event.id]
  return { cursor: cursor ?? state.cursor, checkpoint, ids, seq: delivered ? state.seq + 1 : state.seq }
}

/**
 * The state after a frame without an event whose watermark says its scan
 * emitted everything up to checkpoint `covered`; undefined when it is not
 * worth saving. `ordered`: the frame belongs to the scan the state came
 * from (a list page), whose cursor only moves forward. A stream frame may
 * trail the list that caught up past it, so it counts only once it covers
 * a later checkpoint.
 */
export function afterProgress(state: FollowState, cursor: string, covered: bigint | undefined, ordered: boolean): FollowState | undefined {
  if (cursor === state.cursor) return undefined
  const last = state.checkpoint === null ? undefined : BigInt(state.checkpoint)
  if (covered !== undefined && (last === undefined || covered > last)) {
    return { cursor, checkpoint: String(covered), ids: [], seq: state.seq }
  }
  return ordered ? { ...state, cursor } : undefined
}

const MAX_CURSOR_CHARS = 1024
const MAX_ID_CHARS = 128

/** Reads a saved state back; a value that is not one is a damaged database, said in one line. */
export function parseFollowState(stream: string, value: unknown): FollowState {
  if (value === undefined) return INITIAL_FOLLOW_STATE
  const bad = (why: string) => new DataDirError(`the saved Sui event cursor ${stream} is damaged (${why}); the node database needs repair`)
  if (typeof value !== 'object' || value === null) throw bad('not an object')
  const { cursor, checkpoint, ids, seq } = value as Record<string, unknown>
  if (cursor !== null && (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9+/=]*$/.test(cursor))) {
    throw bad('cursor')
  }
  if (checkpoint !== null && (typeof checkpoint !== 'string' || !/^\d{1,20}$/.test(checkpoint))) throw bad('checkpoint')
  if (
    !Array.isArray(ids) ||
    ids.length > MAX_IDS_PER_CHECKPOINT ||
    !ids.every((id) => typeof id === 'string' && id.length <= MAX_ID_CHARS)
  ) {
    throw bad('ids')
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw bad('seq')
  return { cursor, checkpoint, ids: ids as string[], seq }
}
