// @ts-check
// The dashboard's shell: logs in with the token from the URL fragment,
// routes on the fragment (#/jobs, #/jobs/<id>, #/new, #/node, #/farm,
// #/explorer) and shows the page with the node's name and role above it.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { hasToken, takeTokenFromUrl, useWatch } from './api.js'
import { html } from './html.js'
import { ExplorerPage } from './pages/explorer.js'
import { FarmPage } from './pages/farm.js'
import { JobPage } from './pages/job.js'
import { JobsPage } from './pages/jobs.js'
import { NewJobPage } from './pages/new-job.js'
import { NodePage } from './pages/node.js'

/** @typedef {{ name: string, path: RegExp, page: (props: { params: string[], status: any }) => any, roles?: string[] }} Route */

/** @type {Route[]} */
const ROUTES = [
  { name: 'Jobs', path: /^#\/jobs$/, page: JobsPage, roles: ['creator'] },
  { name: 'New job', path: /^#\/new$/, page: NewJobPage, roles: ['creator'] },
  { name: 'Job', path: /^#\/jobs\/([0-9a-f]{64})$/, page: JobPage, roles: ['creator'] },
  { name: 'This node', path: /^#\/node$/, page: NodePage },
  { name: 'Farm', path: /^#\/farm$/, page: FarmPage },
  { name: 'Explorer', path: /^#\/explorer$/, page: ExplorerPage }
]
const NAV = ['Jobs', 'New job', 'This node', 'Farm', 'Explorer']

function useHash() {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const onChange = () => setHash(location.hash)
    addEventListener('hashchange', onChange)
    return () => removeEventListener('hashchange', onChange)
  }, [])
  return hash
}

function App() {
  const hash = useHash()
  const { values, errors } = useWatch(['/api/status'])
  const status = values['/api/status']
  if (errors['*'] !== undefined) return html`<main><p class="error" role="alert">${errors['*']}</p><p>Open the URL <code>pictor dashboard</code> prints.</p></main>`
  if (status === undefined) return html`<main><p class="muted">Connecting…</p></main>`
  const role = status.role
  const home = role === 'creator' ? '#/jobs' : '#/node'
  const route = ROUTES.find((r) => r.path.test(hash))
  if (route === undefined) {
    location.replace(home)
    return null
  }
  const params = /** @type {RegExpExecArray} */ (route.path.exec(hash)).slice(1)
  const nav = ROUTES.filter((r) => NAV.includes(r.name) && (r.roles === undefined || r.roles.includes(role)))
  return html`
    <header>
      <strong>pictor</strong>
      <span class="muted">${role} · ${String(status.peerId).slice(-8)}</span>
      <nav>${nav.map((r) => html`<a href=${r.path.source.replace(/^\^|\$$/g, '').replace(/\\\//g, '/')} class=${r === route ? 'active' : ''}>${r.name}</a>`)}</nav>
    </header>
    <main>${html`<${route.page} params=${params} status=${status} />`}</main>
  `
}

takeTokenFromUrl()
const root = /** @type {HTMLElement} */ (document.getElementById('app'))
// The "Loading…" placeholder goes: preact renders beside what is there.
root.textContent = ''
if (!hasToken()) render(html`<main><p class="error" role="alert">Not logged in: open the URL <code>pictor dashboard</code> prints.</p></main>`, root)
else render(html`<${App} />`, root)
