// `pictor walrus-dev` in a child process for the walrus bench, so the server's
// HTTP handling and blob-id encoding do not share the client's event loop
// (nor its blob-id worker thread), as with a real publisher.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const CLI = join(import.meta.dirname, '..', '..', '..', 'bin', 'pictor.mjs')
const READY_TIMEOUT_MS = 30_000

export interface WalrusDevChild {
  /** Publisher and aggregator. */
  url: string
  stop(): Promise<void>
}

export async function startWalrusDevChild(dir: string, shards: number): Promise<WalrusDevChild> {
  const child = spawn(process.execPath, [CLI, 'walrus-dev', '--port', '0', '--shards', String(shards), '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PICTOR_LOG: 'error' }
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const url = await firstUrl(child)
    return {
      url,
      async stop() {
        child.kill('SIGTERM')
        await exited
      }
    }
  } catch (err) {
    child.kill('SIGKILL')
    await exited
    throw err
  }
}

/** The URL of the server's first stdout line ("walrus-dev listening on http://..."). */
function firstUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`walrus-dev did not start in ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS)
    child.stderr?.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-500)
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      if (url === undefined) return
      clearTimeout(timer)
      child.stdout?.removeAllListeners('data')
      child.stdout?.resume()
      resolve(url)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`walrus-dev exited (${code}) before listening: ${err.trim().split('\n').at(-1) ?? ''}`))
    })
  })
}
