// @ts-check
// The dashboard's side of the local API: the token (taken once from the URL
// fragment `pictor dashboard` prints, then kept in this tab's session
// storage), JSON calls that carry it as a header, and the live-update
// stream read with fetch (EventSource cannot send a header).
import { useEffect, useState } from 'preact/hooks'

const TOKEN_KEY = 'pictor-token'

/** Moves a `#token=…` fragment into session storage and out of the address bar and history. */
export function takeTokenFromUrl() {
  const m = /(?:^#|&)token=([\w-]+)/.exec(location.hash)
  if (m === null) return
  sessionStorage.setItem(TOKEN_KEY, m[1] ?? '')
  history.replaceState(null, '', location.pathname + location.hash.replace(/(?:^#|&)token=[\w-]+/, '').replace(/^$/, '#/'))
}

export function hasToken() {
  return (sessionStorage.getItem(TOKEN_KEY) ?? '') !== ''
}

/** The header every API call carries (for callers that cannot use apiFetch, e.g. XMLHttpRequest uploads). */
export function authorization() {
  return `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`
}

/** An API answer that was not 2xx: `message` is the server's one line. */
export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** @param {string} path @param {RequestInit} [init] */
export async function apiFetch(path, init = {}) {
  const headers = new Headers(init.headers)
  headers.set('authorization', authorization())
  const res = await fetch(path, { ...init, headers })
  if (!res.ok) {
    const body = await res.json().catch(() => ({}))
    throw new ApiError(res.status, typeof body.error === 'string' ? body.error : `${res.status} ${res.statusText}`)
  }
  return res
}

/** @param {string} path @returns {Promise<any>} */
export async function getJson(path) {
  return (await apiFetch(path)).json()
}

/** @param {string} path @param {unknown} [body] @returns {Promise<any>} */
export async function postJson(path, body) {
  const res = await apiFetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })
  return res.json()
}

/**
 * Calls `onUpdate(path, value)` for every watched route now and whenever it
 * changes, until the signal aborts; reconnects after a dropped stream.
 * @param {string[]} paths @param {(path: string, value: any, error?: string) => void} onUpdate @param {AbortSignal} signal
 */
export async function watch(paths, onUpdate, signal) {
  const query = paths.map((p) => `watch=${encodeURIComponent(p)}`).join('&')
  while (!signal.aborted) {
    try {
      const res = await apiFetch(`/api/events?${query}`, { signal })
      const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader()
      const decoder = new TextDecoder()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = event.split('\n').find((line) => line.startsWith('data: '))
          if (data === undefined) continue
          const update = JSON.parse(data.slice(6))
          onUpdate(update.path, update.value, update.error)
        }
      }
    } catch (err) {
      if (signal.aborted) return
      if (err instanceof ApiError && err.status === 401) throw err
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

/**
 * The live value of each watched route, by path (undefined until the first update).
 * @param {string[]} paths @returns {{ values: Record<string, any>, errors: Record<string, string> }}
 */
export function useWatch(paths) {
  const [state, setState] = useState(() => ({ values: /** @type {Record<string, any>} */ ({}), errors: /** @type {Record<string, string>} */ ({}) }))
  const key = paths.join('\n')
  useEffect(() => {
    const controller = new AbortController()
    setState({ values: {}, errors: {} })
    watch(
      paths,
      (path, value, error) =>
        setState((s) => ({ values: error === undefined ? { ...s.values, [path]: value } : s.values, errors: error === undefined ? omit(s.errors, path) : { ...s.errors, [path]: error } })),
      controller.signal
    ).catch((err) => setState((s) => ({ ...s, errors: { ...s.errors, '*': String(err.message ?? err) } })))
    return () => controller.abort()
  }, [key])
  return state
}

/** @param {Record<string, string>} record @param {string} key */
function omit(record, key) {
  const { [key]: _, ...rest } = record
  return rest
}

/**
 * An object URL for an image the API serves (an <img> cannot send the token), revoked when the component goes.
 * @param {string | undefined} path @returns {string | undefined}
 */
export function useImage(path) {
  const [url, setUrl] = useState(/** @type {string | undefined} */ (undefined))
  useEffect(() => {
    if (path === undefined) return
    let objectUrl = ''
    let live = true
    apiFetch(path)
      .then((res) => res.blob())
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob)
        if (live) setUrl(objectUrl)
      })
      .catch(() => {})
    return () => {
      live = false
      if (objectUrl !== '') URL.revokeObjectURL(objectUrl)
    }
  }, [path])
  return url
}
