// @ts-check
// The scene part of the New job form: a scene file (a .blend, or the
// builtin renderer's JSON scene) or a project folder, uploaded as soon as
// it is picked, with a progress bar; the server's one line next to the
// field when it refuses it. The page gets the stored scene blob.
import { useEffect, useRef, useState } from 'preact/hooks'
import { html } from '../../html.js'
import { rendererFor } from './form-state.js'
import { blendFiles, folderFiles, registerProject, uploadBlob, uploadFolder } from './upload.js'

/** @typedef {import('./form-state.js').StoredScene} StoredScene */
/** @typedef {{ path: string, sha256: string, size: number }} ProjectFile */
/**
 * @typedef {{ kind: 'idle' }
 *   | { kind: 'uploading', name: string, sent: number, total: number }
 *   | { kind: 'stored', name: string, scene: StoredScene, project?: { files: ProjectFile[], blends: string[], main: string } }
 *   | { kind: 'error', name: string, message: string }} SceneState
 */

/** @param {number} bytes */
function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** @param {{ onScene: (scene: StoredScene | undefined, renderer?: string) => void, disabled: boolean }} props */
export function SceneField({ onScene, disabled }) {
  const [state, setState] = useState(/** @type {SceneState} */ ({ kind: 'idle' }))
  const upload = useRef(/** @type {AbortController | undefined} */ (undefined))
  useEffect(() => () => upload.current?.abort(), [])

  /** A new pick cancels the upload still running and forgets the scene stored before. */
  const begin = () => {
    upload.current?.abort()
    upload.current = new AbortController()
    onScene(undefined)
    return upload.current.signal
  }

  const onFile = async (e) => {
    const file = /** @type {File | undefined} */ (e.currentTarget.files?.[0])
    if (file === undefined) return
    const signal = begin()
    setState({ kind: 'uploading', name: file.name, sent: 0, total: file.size })
    try {
      const blob = await uploadBlob(file, (sent) => setState({ kind: 'uploading', name: file.name, sent, total: file.size }), signal)
      const scene = { id: blob.id, size: blob.size, project: false }
      setState({ kind: 'stored', name: file.name, scene })
      onScene(scene, rendererFor(file.name, false))
    } catch (err) {
      if (!signal.aborted) setState({ kind: 'error', name: file.name, message: err.message })
    }
  }

  /** @param {string} name @param {ProjectFile[]} files @param {string[]} blends @param {string} main */
  const register = async (name, files, blends, main) => {
    onScene(undefined)
    try {
      const blob = await registerProject(main, files)
      const scene = { id: blob.id, size: blob.size, project: true }
      setState({ kind: 'stored', name, scene, project: { files, blends, main } })
      onScene(scene, 'blender')
    } catch (err) {
      setState({ kind: 'error', name, message: err.message })
    }
  }

  const onFolder = async (e) => {
    const picked = folderFiles(e.currentTarget.files ?? [])
    if (picked.length === 0) return
    const name = picked[0].file.webkitRelativePath.split('/')[0] || 'project'
    const blends = blendFiles(picked)
    const signal = begin()
    // Which .blend to open is the creator's choice; with none there is nothing to offer.
    if (blends.length === 0) return setState({ kind: 'error', name, message: `${name} has no .blend file to open` })
    const total = picked.reduce((sum, f) => sum + f.file.size, 0)
    setState({ kind: 'uploading', name, sent: 0, total })
    try {
      const files = await uploadFolder(picked, (sent) => setState({ kind: 'uploading', name, sent, total }), signal)
      await register(name, files, blends, blends[0])
    } catch (err) {
      if (!signal.aborted) setState({ kind: 'error', name, message: err.message })
    }
  }

  const stored = state.kind === 'stored' ? state : undefined
  const project = stored?.project
  return html`
    <fieldset disabled=${disabled}>
      <legend>Scene</legend>
      <label>Scene file <input type="file" name="scene" onChange=${onFile} /></label>
      <label>or a project folder <input type="file" name="project" webkitdirectory onChange=${onFolder} /></label>
      ${state.kind === 'uploading' &&
      html`<p class="upload">
        <progress value=${state.sent} max=${state.total || 1} aria-label="upload progress"></progress>
        <span class="muted">uploading ${state.name}: ${sizeText(state.sent)} of ${sizeText(state.total)}</span>
      </p>`}
      ${state.kind === 'stored' &&
      html`<p class="muted" data-testid="scene-stored">${state.name} stored on this node (${sizeText(project ? project.files.reduce((s, f) => s + f.size, 0) : state.scene.size)}${project ? `, ${project.files.length} files` : ''})</p>`}
      ${project !== undefined &&
      project.blends.length > 1 &&
      html`<label
        >Main .blend
        <select value=${project.main} onChange=${(e) => register(stored.name, project.files, project.blends, e.currentTarget.value)}>
          ${project.blends.map((b) => html`<option value=${b}>${b}</option>`)}
        </select></label
      >`}
      ${state.kind === 'error' && html`<p class="error" role="alert" data-testid="scene-error">${state.name}: ${state.message}</p>`}
    </fieldset>
  `
}
