// @ts-check
// The node's status (role, ids, uptime, ledger registration) and its peers.
import { html } from '../../html.js'
import { formatDuration, shortId } from './format.js'

/** @param {{ status: any }} props */
export function StatusCard({ status }) {
  return html`
    <section class="card" data-testid="node-status">
      <h2>Status</h2>
      <dl class="facts">
        <dt>role</dt><dd>${status.role}</dd>
        <dt>version</dt><dd>${status.version}</dd>
        <dt>peer id</dt><dd><code>${status.peerId}</code></dd>
        <dt>Sui address</dt><dd><code>${status.suiAddress}</code></dd>
        <dt>uptime</dt><dd data-testid="uptime">${formatDuration(status.uptimeS)}</dd>
        <dt>peers</dt><dd>${status.connections} connected, ${status.dht?.routingTable ?? 0} in the DHT routing table</dd>
        <dt>ledger</dt><dd>${status.registration ?? 'none'}</dd>
        <dt>blobs</dt><dd>${status.blobs === undefined ? '…' : `${status.blobs.backend}${status.blobs.ok ? '' : ' (not answering)'}`}</dd>
      </dl>
    </section>
  `
}

/** @param {{ peers: any[] | undefined, error: string | undefined }} props */
export function PeersCard({ peers, error }) {
  return html`
    <section class="card">
      <h2>Peers</h2>
      ${error !== undefined
        ? html`<p class="error" role="alert">${error}</p>`
        : peers === undefined
          ? html`<p class="muted">Loading…</p>`
          : peers.length === 0
            ? html`<p class="muted">No peer connected.</p>`
            : html`
                <table data-testid="peers">
                  <thead><tr><th>peer id</th><th>address</th><th>direction</th><th>rtt</th></tr></thead>
                  <tbody>
                    ${peers.map((p) => html`<tr><td><code>${shortId(p.peerId, 20)}</code></td><td><code>${p.addr}</code></td><td>${p.direction}</td><td>${p.rttMs === undefined ? '–' : `${Math.round(p.rttMs)} ms`}</td></tr>`)}
                  </tbody>
                </table>
              `}
    </section>
  `
}
