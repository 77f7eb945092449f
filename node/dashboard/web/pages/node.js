// @ts-check
// "This node": what the node is and does, live. Status and peers for every
// role; for a worker also its hardware, renderer, bench score, prices (its
// own editable) and tasks; and what the ledger has paid it. The sections
// live in pages/node/.
import { useWatch } from '../api.js'
import { html } from '../html.js'
import { EarningsCard } from './node/earnings.js'
import { HardwareCard } from './node/hardware.js'
import { PeersCard, StatusCard } from './node/status.js'
import { SettingsCard, TasksCard } from './node/worker.js'

const TASKS = '/api/worker/tasks?limit=20'

/** @param {{ status: any }} props */
export function NodePage({ status }) {
  const worker = status.role === 'worker'
  const paths = ['/api/peers', '/api/earnings', ...(worker ? ['/api/worker/settings', TASKS] : [])]
  const { values, errors } = useWatch(paths)
  return html`
    <div class="node-page">
      <${StatusCard} status=${status} />
      <${EarningsCard} earnings=${values['/api/earnings']} error=${errors['/api/earnings']} />
      ${worker
        ? html`
            <${HardwareCard} />
            <${SettingsCard} settings=${values['/api/worker/settings']} error=${errors['/api/worker/settings']} />
            <${TasksCard} tasks=${values[TASKS]} error=${errors[TASKS]} />
          `
        : html`<section class="card"><h2>Work</h2><p class="muted">This node is a ${status.role}: hardware, prices and tasks are shown on worker nodes.</p></section>`}
      <${PeersCard} peers=${values['/api/peers']} error=${errors['/api/peers']} />
    </div>
  `
}
