// Checks on RenderSettings and crops. They arrive from job announcements
// (other peers), so the limits are enforced before any memory is allocated.

import type { CropRegion, RenderSettings } from '../types.ts'
import { SettingsError } from './errors.ts'
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_SAMPLES } from './limits.ts'

function int(value: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new SettingsError(`${field} must be an integer between ${min} and ${max}`)
}

export function checkSettings(settings: RenderSettings): void {
  int(settings.width, 'width', 1, MAX_IMAGE_SIDE)
  int(settings.height, 'height', 1, MAX_IMAGE_SIDE)
  if (settings.width * settings.height > MAX_IMAGE_PIXELS) throw new SettingsError(`width x height must be at most ${MAX_IMAGE_PIXELS} pixels`)
  int(settings.samples, 'samples', 1, MAX_SAMPLES)
  if (!Number.isSafeInteger(settings.seed)) throw new SettingsError('seed must be a safe integer')
  if (settings.engine !== undefined && settings.engine !== 'PATH') throw new SettingsError(`engine ${JSON.stringify(settings.engine)} is not supported (only "PATH")`)
  if (settings.device !== undefined && settings.device !== 'CPU') throw new SettingsError(`device ${JSON.stringify(settings.device)} is not supported (only "CPU")`)
  if (settings.format !== undefined && settings.format !== 'PNG') throw new SettingsError(`format ${settings.format} is not supported (the builtin renderer writes PNG only)`)
}

export function checkFrame(frame: number): void {
  if (!Number.isSafeInteger(frame)) throw new SettingsError('frame must be a safe integer')
}

export function checkCrop(crop: CropRegion, settings: RenderSettings): void {
  int(crop.x, 'crop.x', 0, settings.width - 1)
  int(crop.y, 'crop.y', 0, settings.height - 1)
  int(crop.width, 'crop.width', 1, settings.width - crop.x)
  int(crop.height, 'crop.height', 1, settings.height - crop.y)
}
