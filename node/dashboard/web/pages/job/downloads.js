// @ts-check
// The job's frames to take away: all of them as one zip, a contact sheet,
// an animated preview. The API needs the token header, so each is fetched,
// then handed to the browser as a file through an object URL.
import { useEffect, useState } from 'preact/hooks'
import { apiFetch } from '../../api.js'
import { html } from '../../html.js'

/** @typedef {{ url: string, name: string }} Fetched */

/** Saves `url` as a file named `name`, as a click on a download link does. @param {string} url @param {string} name */
function save(url, name) {
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
}

/** @param {{ job: any }} props */
export function Downloads({ job }) {
  const [busy, setBusy] = useState(/** @type {string | undefined} */ (undefined))
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  const [sheet, setSheet] = useState(/** @type {Fetched | undefined} */ (undefined))
  const [preview, setPreview] = useState(/** @type {Fetched | undefined} */ (undefined))
  const [zip, setZip] = useState(/** @type {Fetched | undefined} */ (undefined))
  // Object URLs hold the bytes: each goes when it is replaced or the page goes.
  useEffect(() => () => sheet && URL.revokeObjectURL(sheet.url), [sheet])
  useEffect(() => () => preview && URL.revokeObjectURL(preview.url), [preview])
  useEffect(() => () => zip && URL.revokeObjectURL(zip.url), [zip])

  const base = `/api/jobs/${job.id}`
  const prefix = `pictor-${job.id.slice(0, 12)}`
  /** @param {string} what @param {string} path @param {string} name @returns {Promise<Fetched | undefined>} */
  const fetchFile = async (what, path, name) => {
    setBusy(what)
    setError(undefined)
    try {
      const blob = await (await apiFetch(path)).blob()
      return { url: URL.createObjectURL(blob), name }
    } catch (err) {
      setError(String(/** @type {Error} */ (err).message ?? err))
      return undefined
    } finally {
      setBusy(undefined)
    }
  }
  const downloadZip = async () => {
    const got = await fetchFile('zip', `${base}/frames.zip`, `${prefix}-frames.zip`)
    if (got === undefined) return
    setZip(got)
    save(got.url, got.name)
  }
  const done = job.counts.succeeded > 0
  return html`
    <section class="card downloads">
      <h2>Downloads</h2>
      <div class="inline-form">
        <button type="button" disabled=${!done || busy !== undefined} onClick=${downloadZip}>${busy === 'zip' ? 'Preparing zip…' : 'Download all frames (.zip)'}</button>
        <button type="button" disabled=${!done || busy !== undefined} onClick=${async () => setSheet(await fetchFile('sheet', `${base}/contact-sheet.png`, `${prefix}-contact-sheet.png`))}>
          ${busy === 'sheet' ? 'Making contact sheet…' : 'Contact sheet'}
        </button>
        <button type="button" disabled=${!done || busy !== undefined} onClick=${async () => setPreview(await fetchFile('preview', `${base}/preview.webp`, `${prefix}-preview.webp`))}>
          ${busy === 'preview' ? 'Making preview…' : 'Preview'}
        </button>
        ${done ? null : html`<span class="muted">Available once a frame is accepted.</span>`}
      </div>
      ${error === undefined ? null : html`<p class="error" role="alert" data-testid="download-error">${error}</p>`}
      ${[sheet, preview].map((f) =>
        f === undefined
          ? null
          : html`<figure class="download-image"><img src=${f.url} alt=${f.name} data-testid=${f.name.endsWith('.png') ? 'contact-sheet' : 'preview'} /><figcaption><a href=${f.url} download=${f.name}>Save ${f.name}</a></figcaption></figure>`
      )}
    </section>
  `
}
