// @ts-check
// "Farm": a render-farm operator's nodes in one list, live. This node keeps
// the list (farm.json in its data dir) and reads each node server-side with
// that node's token; the browser never holds another node's token, and a
// refused URL or token comes back as the node's one line next to the form.
import { useState } from 'preact/hooks'
import { postJson, useWatch } from '../api.js'
import { html } from '../html.js'
import { formatDuration, formatMicroPic } from './node/format.js'

export function FarmPage() {
  const { values, errors } = useWatch(['/api/farm'])
  const farm = values['/api/farm']
  return html`
    <div class="farm-page">
      <${AddNodeForm} />
      <section class="card">
        <h2>Nodes</h2>
        ${errors['/api/farm'] !== undefined
          ? html`<p class="error" role="alert">${errors['/api/farm']}</p>`
          : farm === undefined
            ? html`<p class="muted">Reading the nodes…</p>`
            : html`<${FarmTable} nodes=${farm.nodes} />`}
      </section>
    </div>
  `
}

function AddNodeForm() {
  const [url, setUrl] = useState('')
  const [token, setToken] = useState('')
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  const [busy, setBusy] = useState(false)
  /** @param {Event} event */
  const add = async (event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await postJson('/api/farm', { url, token })
      setUrl('')
      setToken('')
    } catch (err) {
      setError(String(/** @type {Error} */ (err).message))
    } finally {
      setBusy(false)
    }
  }
  return html`
    <section class="card">
      <h2>Add a node</h2>
      <p class="muted">
        A node's API listens on 127.0.0.1 only. Add a node of this machine by the URL in its data dir's <code>api.json</code> and the token in its <code>api-token</code>;
        reach another machine's node through an SSH tunnel (<code>${'ssh -N -L 9101:127.0.0.1:<its API port> host'}</code>), then add <code>http://127.0.0.1:9101</code>.
      </p>
      <form class="inline-form" onSubmit=${add} data-testid="farm-form">
        <label>API URL <input name="url" placeholder="http://127.0.0.1:9101" value=${url} onInput=${(/** @type {any} */ e) => setUrl(e.currentTarget.value)} /></label>
        <label>Token <input name="token" type="password" autocomplete="off" value=${token} onInput=${(/** @type {any} */ e) => setToken(e.currentTarget.value)} /></label>
        <button type="submit" disabled=${busy}>Add node</button>
      </form>
      ${error !== undefined ? html`<p class="error" role="alert" data-testid="farm-error">${error}</p>` : null}
    </section>
  `
}

/** @param {{ nodes: any[] }} props */
function FarmTable({ nodes }) {
  if (nodes.length === 0) return html`<p class="muted">No node added yet.</p>`
  const answering = nodes.filter((n) => n.role !== undefined).length
  const total = nodes.reduce((sum, n) => (n.earnings?.ledger === true ? sum + BigInt(n.earnings.total) : sum), 0n)
  return html`
    <p data-testid="farm-summary">${answering} of ${nodes.length} ${nodes.length === 1 ? 'node answers' : 'nodes answer'}; ${formatMicroPic(total.toString())} earned in all.</p>
    <table data-testid="farm-nodes">
      <thead><tr><th>node</th><th>status</th><th>role</th><th>peer id</th><th>uptime</th><th>slots</th><th>tasks running</th><th>earned</th><th>per hour</th><th></th></tr></thead>
      <tbody>${nodes.map((n) => html`<${FarmRow} key=${n.url} node=${n} />`)}</tbody>
    </table>
  `
}

/** @param {{ node: any }} props */
function FarmRow({ node: n }) {
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  const remove = () => postJson('/api/farm/remove', { url: n.url }).catch((err) => setError(String(err.message)))
  const up = n.role !== undefined
  const e = n.earnings
  return html`
    <tr data-testid="farm-node" data-url=${n.url}>
      <td><code>${n.url}</code></td>
      <td data-testid="farm-status" class=${n.error === undefined ? 'ok' : 'error'}>${n.error === undefined ? 'up' : up ? `up; ${n.error}` : n.error}</td>
      <td data-testid="farm-role">${n.role ?? '–'}</td>
      <td><code>${n.peerId === undefined ? '–' : `…${n.peerId.slice(-8)}`}</code></td>
      <td>${n.uptimeS === undefined ? '–' : formatDuration(n.uptimeS)}</td>
      <td>${n.slots === undefined ? '–' : `${n.slots} (${n.freeSlots} free)`}</td>
      <td>${n.tasksRunning ?? '–'}</td>
      <td data-testid="farm-earned">${e === undefined ? '–' : e.ledger === false ? 'no ledger' : formatMicroPic(e.total)}</td>
      <td>${e?.ledger === true ? formatMicroPic(e.perHour) : '–'}</td>
      <td><button type="button" onClick=${remove}>Remove</button>${error !== undefined ? html`<span class="error" role="alert">${error}</span>` : null}</td>
    </tr>
  `
}
