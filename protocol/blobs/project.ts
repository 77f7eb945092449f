// Scene projects (SPEC R77): a .blend plus the files it uses (textures, caches, linked
// libraries), named by one manifest blob. The manifest is canonical JSON, so
// one project has exactly one encoding and its blob id names it:
//   {"pictor":"project/1","main":"shot.blend","files":[{"path":"textures/wood.png","sha256":"…","size":123},…]}
// Files are sorted by the UTF-8 bytes of their paths; a file may carry a
// `walrus` ref (walrus-ref.ts) saying where its bytes also live.
// Workers and checkers write every file under a fresh folder, so a path is
// checked as if an attacker wrote it: relative, '/'-separated, no '.' or '..'
// segments, no backslashes, colons or control characters, and unique even on
// a case-insensitive file system.
import { utf8, utf8Length } from '../bytes.ts'
import { LIMITS } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { decodeJson } from './canonical-json.ts'
import { parseWalrusRef, type WalrusRef } from './walrus-ref.ts'

export const PROJECT_FORMAT = 'project/1'

export interface ProjectFile {
  /** Relative, '/'-separated (validateProjectPath). */
  path: string
  /** Lowercase hex sha256 of the file's bytes: its blob id. */
  sha256: string
  size: number
  walrus?: WalrusRef
}

export interface ProjectManifest {
  /** The .blend to open, one of the files. */
  main: string
  /** Sorted by path. */
  files: ProjectFile[]
}

const SHA256_HEX_RE = /^[0-9a-f]{64}$/
/** C0, DEL and C1 controls: invisible in a terminal, and NUL ends a C path. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true
  }
  return false
}

function fail(message: string): never {
  throw new ProtocolError('PROJECT', message)
}

/** A path quoted for a one-line message, cut short. */
function quoted(path: string): string {
  return JSON.stringify(path.length > 80 ? `${path.slice(0, 77)}...` : path)
}

/** Returns `path` if it may name a file of a project; throws ProtocolError('PROJECT') with one line otherwise. */
export function validateProjectPath(path: unknown, field = 'path'): string {
  if (typeof path !== 'string' || path === '') fail(`${field} must be a non-empty string`)
  if (!path.isWellFormed()) fail(`${field} ${quoted(path)} is not valid Unicode`)
  if (hasControl(path)) fail(`${field} ${quoted(path)} contains a control character`)
  if (utf8Length(path) > LIMITS.maxProjectPathBytes) fail(`${field} ${quoted(path)} is longer than ${LIMITS.maxProjectPathBytes} bytes`)
  if (path.includes('\\')) fail(`${field} ${quoted(path)} contains a backslash (use '/')`)
  if (path.startsWith('/')) fail(`${field} ${quoted(path)} is absolute`)
  if (/^[A-Za-z]:/.test(path)) fail(`${field} ${quoted(path)} starts with a drive letter`)
  // Colons elsewhere name NTFS streams or drives on some workers: refused everywhere.
  if (path.includes(':')) fail(`${field} ${quoted(path)} contains ':'`)
  for (const segment of path.split('/')) {
    if (segment === '') fail(`${field} ${quoted(path)} has an empty segment`)
    if (segment === '.' || segment === '..') fail(`${field} ${quoted(path)} has a '${segment}' segment`)
  }
  return path
}

/** How two paths clash on a case-insensitive, normalising file system (macOS, Windows). */
const foldedKey = (path: string) => path.normalize('NFC').toLowerCase()

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

function checkFile(value: unknown, i: number): ProjectFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`files[${i}] must be an object`)
  const o = value as Record<string, unknown>
  const path = validateProjectPath(o.path, `files[${i}].path`)
  if (typeof o.sha256 !== 'string' || !SHA256_HEX_RE.test(o.sha256)) fail(`files[${i}] (${quoted(path)}): sha256 must be 64 lowercase hex characters`)
  const size = o.size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || size > LIMITS.maxBlobBytes) fail(`files[${i}] (${quoted(path)}): size must be a whole number from 0 to ${LIMITS.maxBlobBytes}`)
  const file: ProjectFile = { path, sha256: o.sha256, size }
  if (o.walrus !== undefined) {
    try {
      file.walrus = parseWalrusRef(o.walrus, size, `files[${i}].walrus`)
    } catch (err) {
      fail((err as Error).message)
    }
  }
  return file
}

/** Checks an untrusted `{ main, files }` value (JSON-parsed) and returns the project with its files sorted. */
export function projectManifestOf(value: unknown): ProjectManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a project manifest must be a JSON object')
  const o = value as Record<string, unknown>
  if (!Array.isArray(o.files) || o.files.length < 1 || o.files.length > LIMITS.maxProjectFiles) fail(`a project must list 1 to ${LIMITS.maxProjectFiles} files`)
  const files = o.files.map(checkFile)
  let total = 0
  for (const f of files) total += f.size
  if (total > LIMITS.maxProjectBytes) fail(`the project's files add up to ${total} bytes, over the limit of ${LIMITS.maxProjectBytes}`)
  // A path that differs from another only in case (or Unicode normalisation)
  // would overwrite it on some workers, and a file named like another's folder
  // cannot be written at all.
  const seen = new Map<string, string>()
  const folders = new Map<string, string>()
  for (const f of files) {
    const key = foldedKey(f.path)
    const other = seen.get(key)
    if (other !== undefined) fail(other === f.path ? `${quoted(f.path)} is listed twice` : `${quoted(other)} and ${quoted(f.path)} differ only in case`)
    seen.set(key, f.path)
    const segments = key.split('/')
    for (let n = 1; n < segments.length; n++) folders.set(segments.slice(0, n).join('/'), f.path)
  }
  for (const [key, path] of seen) {
    const inside = folders.get(key)
    if (inside !== undefined) fail(`${quoted(path)} is a file, but ${quoted(inside)} uses it as a folder`)
  }
  const main = validateProjectPath(o.main, 'main')
  if (!main.endsWith('.blend')) fail(`main ${quoted(main)} must be a .blend file`)
  if (!files.some((f) => f.path === main)) fail(`main ${quoted(main)} is not one of the project's files`)
  const keys = new Map(files.map((f) => [f, utf8(f.path)]))
  files.sort((a, b) => compareBytes(keys.get(a)!, keys.get(b)!))
  return { main, files }
}

/** The canonical text: fixed key order, no spaces, nothing beyond the listed fields. */
function canonicalText(m: ProjectManifest): string {
  const files = m.files.map((f) => {
    const walrus = f.walrus === undefined ? '' : `,"walrus":{"blobId":${JSON.stringify(f.walrus.blobId)},"parts":${f.walrus.parts},"offset":${f.walrus.offset}}`
    return `{"path":${JSON.stringify(f.path)},"sha256":"${f.sha256}","size":${f.size}${walrus}}`
  })
  return `{"pictor":"${PROJECT_FORMAT}","main":${JSON.stringify(m.main)},"files":[${files.join(',')}]}`
}

/** The manifest's bytes, files sorted; throws ProtocolError('PROJECT') for a project a reader would refuse. */
export function encodeProjectManifest(m: ProjectManifest): Uint8Array {
  const bytes = utf8(canonicalText(projectManifestOf(m)))
  if (bytes.byteLength > LIMITS.maxManifestBytes) fail(`the project manifest would be ${bytes.byteLength} bytes, over the limit of ${LIMITS.maxManifestBytes}`)
  return bytes
}

/**
 * Parses untrusted manifest bytes. Throws only ProtocolError('PROJECT'), with
 * one line, for anything but a canonical, in-limits manifest.
 */
export function parseProjectManifest(bytes: Uint8Array): ProjectManifest {
  if (bytes.byteLength > LIMITS.maxManifestBytes) fail(`project manifest is over ${LIMITS.maxManifestBytes} bytes`)
  const { text, value } = decodeJson(bytes) ?? fail('project manifest is not UTF-8 JSON')
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a project manifest must be a JSON object')
  if ((value as Record<string, unknown>).pictor !== PROJECT_FORMAT) fail(`project manifest must say "pictor":"${PROJECT_FORMAT}"`)
  const manifest = projectManifestOf(value)
  // Canonical only: rejects duplicate keys, extra fields, unsorted files,
  // spacing and number spellings, so one project has one blob id.
  if (canonicalText(manifest) !== text) fail('project manifest is not in canonical form')
  return manifest
}
