// The dashboard's files, served as they are (no build step): the app's own
// browser modules from web/, and preact, its hooks and htm from
// node_modules under /vendor/, named by an import map in index.html. The
// file list is read once at start, so a request can only name a file that
// was there; nothing is read from a path a request makes up.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB_DIR = join(import.meta.dirname, 'web')
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' }

export interface Asset {
  type: string
  body: Buffer
}

export interface DashboardAssets {
  /** URL path -> file, for `/`, `/app/…` and `/vendor/…`. */
  files: Map<string, Asset>
  /** The Content-Security-Policy every answer carries: the import map is the one inline script, allowed by its hash. */
  csp: string
}

/** The vendored modules the import map names, as the packages export them to `import`. */
const VENDOR: Record<string, () => string> = {
  '/vendor/preact.mjs': () => fileURLToPath(import.meta.resolve('preact')),
  '/vendor/preact-hooks.mjs': () => fileURLToPath(import.meta.resolve('preact/hooks')),
  '/vendor/htm.mjs': () => fileURLToPath(import.meta.resolve('htm'))
}

async function webFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && /\.(js|css|html)$/.test(e.name)).map((e) => join(e.parentPath, e.name))
}

const typeOf = (file: string) => TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream'

export async function loadDashboardAssets(): Promise<DashboardAssets> {
  const files = new Map<string, Asset>()
  for (const file of await webFiles(WEB_DIR)) {
    const path = relative(WEB_DIR, file).split(sep).join('/')
    if (path === 'index.html') continue
    files.set(`/app/${path}`, { type: typeOf(file), body: await readFile(file) })
  }
  for (const [path, file] of Object.entries(VENDOR)) files.set(path, { type: typeOf(file()), body: await readFile(file()) })
  const html = await readFile(join(WEB_DIR, 'index.html'), 'utf8')
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1]
  if (importMap === undefined) throw new Error('the dashboard index.html has no import map')
  files.set('/', { type: typeOf('index.html'), body: Buffer.from(html) })
  const hash = createHash('sha256').update(importMap).digest('base64')
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
  return { files, csp }
}
