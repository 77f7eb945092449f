// @ts-check
// Placeholder until the page is built.
import { html } from '../html.js'

export function NewJobPage() {
  return html`<p class="muted">Coming soon.</p>`
}
