// @ts-check
// Scene bytes to the creator node with upload progress: one file to
// POST /api/blobs through XMLHttpRequest (fetch reports no upload
// progress), or a project folder file by file, then its file list to
// POST /api/projects, which answers the stored manifest (the scene blob).
import { ApiError, apiFetch, authorization } from '../../api.js'

/** @typedef {{ id: string, size: number }} StoredBlob */
/** @typedef {{ path: string, file: File }} FolderFile */

/**
 * Streams `file` to POST /api/blobs; `onProgress(bytesSent)` as it goes.
 * Rejects with the server's one line (ApiError) when it refuses the upload.
 * @param {Blob} file @param {(sent: number) => void} onProgress @param {AbortSignal} [signal] @returns {Promise<StoredBlob>}
 */
export function uploadBlob(file, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/blobs')
    xhr.setRequestHeader('authorization', authorization())
    xhr.setRequestHeader('content-type', 'application/octet-stream')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => onProgress(e.loaded)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response)
      else reject(new ApiError(xhr.status, typeof xhr.response?.error === 'string' ? xhr.response.error : `${xhr.status} ${xhr.statusText}`))
    }
    // A refused upload may be cut off before its answer arrives.
    xhr.onerror = () => reject(new Error('upload failed: the node closed the connection'))
    xhr.onabort = () => reject(new Error('upload cancelled'))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(file)
  })
}

/**
 * The files of a folder picked with `webkitdirectory`, by their path inside it
 * (the picked folder's own name dropped, as the CLI names a project's files).
 * @param {FileList | File[]} files @returns {FolderFile[]}
 */
export function folderFiles(files) {
  return [...files].map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file }))
}

/** The .blend files of a project, the top-level ones first (the CLI's default main is the only top-level one). */
export function blendFiles(files) {
  const blends = files.map((f) => f.path).filter((p) => p.toLowerCase().endsWith('.blend'))
  return [...blends.filter((p) => !p.includes('/')), ...blends.filter((p) => p.includes('/'))]
}

/**
 * Uploads every file of the project, then registers it; `onProgress(sent, total)` over all its bytes.
 * @param {FolderFile[]} files @param {(sent: number, total: number) => void} onProgress @param {AbortSignal} [signal]
 * @returns {Promise<{ path: string, sha256: string, size: number }[]>} the project's files as stored
 */
export async function uploadFolder(files, onProgress, signal) {
  const total = files.reduce((sum, f) => sum + f.file.size, 0)
  let done = 0
  const stored = []
  for (const f of files) {
    let blob
    try {
      blob = await uploadBlob(f.file, (sent) => onProgress(done + sent, total), signal)
    } catch (err) {
      throw err instanceof ApiError ? new ApiError(err.status, `${f.path}: ${err.message}`) : err
    }
    done += f.file.size
    stored.push({ path: f.path, sha256: blob.id, size: blob.size })
  }
  return stored
}

/**
 * POST /api/projects: the stored manifest of `main` and the files, the project's scene blob.
 * A large file list is over the API's JSON limit, so it goes as a raw body, as the CLI sends it.
 * @param {string} main @param {{ path: string, sha256: string, size: number }[]} files @returns {Promise<StoredBlob>}
 */
export async function registerProject(main, files) {
  const res = await apiFetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/vnd.pictor+json' }, body: JSON.stringify({ main, files }) })
  return res.json()
}
