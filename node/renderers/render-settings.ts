// The render settings of a job, derived from its signed announcement: the
// worker renders with them and the checker re-renders with exactly the
// same, so they come from this one function.
import type { JobAnnouncement } from '../../protocol/index.ts'
import { formatOf } from '../images/frame-format.ts'
import type { RenderSettings } from './types.ts'

export function renderSettingsOf(a: Pick<JobAnnouncement, 'width' | 'height' | 'samples' | 'seed' | 'engine' | 'device'> & { outputFormat?: string }): RenderSettings {
  const settings: RenderSettings = { width: a.width, height: a.height, samples: a.samples, seed: a.seed }
  // Empty means "the renderer's default"; only pass what the job pins.
  if (a.engine !== '') settings.engine = a.engine
  if (a.device !== '') settings.device = a.device
  if (a.outputFormat !== undefined && a.outputFormat !== '' && a.outputFormat !== 'PNG') settings.format = formatOf(a)
  return settings
}
