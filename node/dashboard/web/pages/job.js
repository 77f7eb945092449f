// @ts-check
// Placeholder until the page is built.
import { html } from '../html.js'

export function JobPage() {
  return html`<p class="muted">Coming soon.</p>`
}
