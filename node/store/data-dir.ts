// The node's data directory:
//   pictor.json  marker { format, version } so a foreign folder is never used
//   node.key     the 32-byte Ed25519 seed, hex, mode 0600
//   api-token    bearer token for the local HTTP API, mode 0600
//   api.json     written by a running node: { url, pid }
//   db/          LevelDB (jobs, leases, blob index, replay state)
//   blobs/       content-addressed blob files
//   config.json  optional operator config
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DataDirError, KeyError } from '../errors.ts'
import { SEED_BYTES } from '../identity/keys.ts'
import { writeFileAtomic } from './atomic-file.ts'

export const DATA_DIR_FORMAT = 'pictor-data'
export const DATA_DIR_VERSION = 1

export interface DataDirPaths {
  root: string
  marker: string
  key: string
  token: string
  api: string
  db: string
  blobs: string
  config: string
  work: string
}

export function dataDirPaths(root: string): DataDirPaths {
  const abs = resolve(root)
  return {
    root: abs,
    marker: join(abs, 'pictor.json'),
    key: join(abs, 'node.key'),
    token: join(abs, 'api-token'),
    api: join(abs, 'api.json'),
    db: join(abs, 'db'),
    blobs: join(abs, 'blobs'),
    config: join(abs, 'config.json'),
    work: join(abs, 'work')
  }
}

export function defaultDataDir(): string {
  return process.env.PICTOR_DATA_DIR ?? join(process.env.HOME ?? '.', '.pictor')
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

export interface InitResult {
  paths: DataDirPaths
  created: boolean
}

/**
 * Creates a data dir with a fresh key (or the given seed). An existing key is
 * never overwritten; a non-empty folder that is not a pictor data dir is refused.
 */
export async function initDataDir(root: string, seed?: Uint8Array): Promise<InitResult> {
  const paths = dataDirPaths(root)
  if (await exists(paths.marker)) {
    await checkMarker(paths)
    if (await exists(paths.key)) {
      if (seed) throw new KeyError(`${paths.root} already has a key; it is never overwritten`)
      return { paths, created: false }
    }
  } else if (await exists(paths.root)) {
    const entries = await readdir(paths.root).catch((err) => {
      throw new DataDirError(`cannot read ${paths.root}: ${err.code ?? err.message}`, { cause: err })
    })
    if (entries.length > 0) throw new DataDirError(`${paths.root} is not empty and is not a pictor data dir`)
  }
  await mkdir(paths.root, { recursive: true, mode: 0o700 })
  await writeFileAtomic(paths.marker, JSON.stringify({ format: DATA_DIR_FORMAT, version: DATA_DIR_VERSION }) + '\n')
  const keySeed = seed ?? randomBytes(SEED_BYTES)
  await writeFileAtomic(paths.key, Buffer.from(keySeed).toString('hex') + '\n', { mode: 0o600, exclusive: true })
  await writeFileAtomic(paths.token, randomBytes(32).toString('hex') + '\n', { mode: 0o600, exclusive: true })
  return { paths, created: true }
}

async function checkMarker(paths: DataDirPaths): Promise<void> {
  let marker: unknown
  try {
    marker = JSON.parse(await readFile(paths.marker, 'utf8'))
  } catch (err) {
    throw new DataDirError(`${paths.marker} is corrupted (not JSON)`, { cause: err })
  }
  const m = marker as { format?: unknown; version?: unknown }
  if (m?.format !== DATA_DIR_FORMAT) throw new DataDirError(`${paths.root} is not a pictor data dir`)
  if (m.version !== DATA_DIR_VERSION) throw new DataDirError(`${paths.root} has data dir version ${String(m.version)}; this pictor reads version ${DATA_DIR_VERSION}`)
}

export interface OpenedDataDir {
  paths: DataDirPaths
  seed: Uint8Array
  token: string
}

export async function openDataDir(root: string): Promise<OpenedDataDir> {
  const paths = dataDirPaths(root)
  if (!(await exists(paths.marker))) throw new DataDirError(`${paths.root} is not initialised: run \`pictor init --data-dir ${root}\``)
  await checkMarker(paths)
  const seed = await readSeed(paths.key)
  const token = (await readFile(paths.token, 'utf8').catch(() => '')).trim()
  if (!/^[0-9a-f]{64}$/.test(token)) throw new DataDirError(`${paths.token} is missing or corrupted`)
  return { paths, seed, token }
}

async function readSeed(path: string): Promise<Uint8Array> {
  let text: string
  try {
    text = (await readFile(path, 'utf8')).trim()
  } catch (err) {
    throw new KeyError(`cannot read key ${path}`, { cause: err })
  }
  if (!/^[0-9a-f]{64}$/.test(text)) throw new KeyError(`key file ${path} is corrupted (expected 64 hex characters)`)
  const mode = (await stat(path)).mode & 0o777
  if ((mode & 0o077) !== 0) throw new KeyError(`key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600`)
  return new Uint8Array(Buffer.from(text, 'hex'))
}
