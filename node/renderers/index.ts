// Renderers: the seam the worker and the checker see, the scene check every
// job passes, and the one derivation of render settings from a job.
export { frameFileName, type CropRegion, type RenderCropRequest, type RenderedFrame, type Renderer, type RendererCapabilities, type RenderFramesRequest, type RenderProgress, type RenderSettings } from './types.ts'
export { renderSettingsOf } from './render-settings.ts'
export { RendererError, SceneError, SettingsError } from './errors.ts'
export { validateScene } from './validate-scene.ts'
