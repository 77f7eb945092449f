// @ts-check
// The worker's machine as its offers describe it: CPU, cores, RAM, GPUs.
// Read once: it does not change while the node runs.
import { useEffect, useState } from 'preact/hooks'
import { getJson } from '../../api.js'
import { html } from '../../html.js'

export function HardwareCard() {
  const [view, setView] = useState(/** @type {any} */ (undefined))
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  useEffect(() => {
    getJson('/api/worker/hardware').then(setView, (err) => setError(String(err.message ?? err)))
  }, [])
  return html`
    <section class="card" data-testid="hardware">
      <h2>Hardware</h2>
      ${error !== undefined ? html`<p class="error" role="alert">${error}</p>` : view === undefined ? html`<p class="muted">Detecting…</p>` : html`<${HardwareFacts} view=${view} />`}
    </section>
  `
}

/** @param {{ view: any }} props */
function HardwareFacts({ view }) {
  const h = view.hardware
  // Model names mostly start with the vendor ("NVIDIA H100"); lspci's do not.
  const gpuName = h.gpuModel.toLowerCase().includes(h.gpuVendor.toLowerCase()) ? h.gpuModel : `${h.gpuVendor} ${h.gpuModel}`
  const vram = h.gpuVramMib > 0 ? `, ${(h.gpuVramMib / 1024).toFixed(1)} GiB each` : ''
  return html`
    <dl class="facts">
      <dt>CPU</dt><dd data-testid="cpu">${h.cpuModel}, ${h.cpuCount} ${h.cpuCount === 1 ? 'core' : 'cores'}</dd>
      <dt>RAM</dt><dd data-testid="ram">${(h.ramMib / 1024).toFixed(1)} GiB</dd>
      <dt>GPUs</dt><dd data-testid="gpus">${h.gpuCount === 0 ? 'none detected' : `${h.gpuCount} × ${gpuName}${vram}`}</dd>
      <dt>GPU source</dt><dd class="muted">${view.gpuSource === 'given' ? 'set by the node’s start-up' : view.gpuSource}</dd>
    </dl>
  `
}
