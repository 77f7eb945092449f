// @ts-check
// The job's frames as a grid, one cell per frame coloured by its stage
// (queued, rendering, committed, checking, verified, rejected, failed), with
// a thumbnail once accepted. Clicking a cell selects it for review.
// Thumbnails load only while their cell is on screen, a few at a time, and
// are let go when it scrolls away.
import { useEffect, useRef, useState } from 'preact/hooks'
import { useImage } from '../../api.js'
import { html } from '../../html.js'
import { workerName } from './format.js'

export const STAGES = ['queued', 'rendering', 'committed', 'checking', 'verified', 'rejected', 'failed']

/** Thumbnails fetched at once; each is a whole frame. */
const LOADS_AT_ONCE = 4
/** A load that never answers gives its slot back after this. */
const SLOT_TIMEOUT_MS = 20_000

/** @type {(() => void)[]} */
const waiting = []
let loading = 0

/** Resolves with a release function once a load slot is free. @returns {Promise<() => void>} */
function takeSlot() {
  return new Promise((resolve) => {
    const grant = () => {
      loading++
      let released = false
      const release = () => {
        if (released) return
        released = true
        loading--
        waiting.shift()?.()
      }
      setTimeout(release, SLOT_TIMEOUT_MS)
      resolve(release)
    }
    if (loading < LOADS_AT_ONCE) grant()
    else waiting.push(grant)
  })
}

/** @param {{ path: string, onLoaded: () => void }} props */
function ThumbImage({ path, onLoaded }) {
  const url = useImage(path)
  useEffect(() => {
    if (url !== undefined) onLoaded()
  }, [url])
  return url === undefined ? null : html`<img src=${url} alt="" />`
}

/**
 * A frame's thumbnail while its cell is on screen (or nearly): it takes a
 * load slot, keeps the image once loaded, and lets it go (the object URL
 * revoked) when the cell scrolls away, so a long job holds few frames.
 * @param {{ path: string }} props
 */
function Thumb({ path }) {
  const ref = useRef(/** @type {HTMLSpanElement | null} */ (null))
  const [visible, setVisible] = useState(false)
  const [slot, setSlot] = useState(/** @type {{ path: string, release: () => void } | undefined} */ (undefined))
  useEffect(() => {
    const el = ref.current
    if (el === null) return
    const observer = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)), { rootMargin: '200px' })
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  useEffect(() => {
    if (!visible) return
    let live = true
    /** @type {(() => void) | undefined} */
    let release
    takeSlot().then((free) => {
      if (!live) return free()
      release = free
      setSlot({ path, release: free })
    })
    return () => {
      live = false
      release?.()
      setSlot(undefined)
    }
  }, [visible, path])
  return html`<span ref=${ref} class="thumb">${slot === undefined ? null : html`<${ThumbImage} key=${slot.path} path=${slot.path} onLoaded=${slot.release} />`}</span>`
}

/**
 * @param {{ job: any, selected: Set<number>, onToggle: (frame: number) => void }} props
 */
export function FrameGrid({ job, selected, onToggle }) {
  /** @type {Record<string, number>} */
  const counts = {}
  for (const f of job.frames) counts[f.stage ?? f.status] = (counts[f.stage ?? f.status] ?? 0) + 1
  return html`
    <section class="card">
      <h2>Frames</h2>
      <p class="legend" data-testid="stage-counts">
        ${STAGES.map((s) => html`<span class=${`chip state-${s}`} data-stage=${s}>${s} ${counts[s] ?? 0}</span>`)}
      </p>
      <div class="grid job-grid" data-testid="frame-grid">
        ${job.frames.map((f) => {
          const stage = f.stage ?? f.status
          const chosen = selected.has(f.frame)
          const title = `frame ${f.frame}: ${stage}${f.worker ? `, worker ${workerName(job, f.worker)}` : ''}, ${f.attempts} lease${f.attempts === 1 ? '' : 's'}${f.unchecked ? ', unchecked' : ''}`
          return html`
            <button
              type="button"
              key=${f.frame}
              class=${`frame state-${stage}${chosen ? ' selected' : ''}`}
              data-testid=${`frame-${f.frame}`}
              data-frame=${f.frame}
              data-state=${stage}
              data-worker=${f.worker ?? ''}
              data-attempts=${f.attempts}
              aria-pressed=${chosen ? 'true' : 'false'}
              title=${title}
              onClick=${() => onToggle(f.frame)}
            >
              ${f.status === 'succeeded' ? html`<${Thumb} path=${`/api/jobs/${job.id}/frames/${f.frame}?w=${f.worker}&a=${f.attempts}`} />` : null}
              <span class="frame-no">${f.frame}</span>
            </button>
          `
        })}
      </div>
    </section>
  `
}
