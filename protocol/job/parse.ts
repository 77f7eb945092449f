// Parsers for the short forms users type: `--resolution 4K`, `--frames 1-48`.
import { LIMITS } from '../constants.ts'
import { JobSpecError } from '../errors.ts'

export interface Resolution {
  width: number
  height: number
}

export const RESOLUTION_PRESETS: Readonly<Record<string, Resolution>> = {
  HD: { width: 1280, height: 720 },
  FHD: { width: 1920, height: 1080 },
  QHD: { width: 2560, height: 1440 },
  '2K': { width: 2048, height: 1080 },
  '4K': { width: 3840, height: 2160 },
  '8K': { width: 7680, height: 4320 }
}

/** 'HD' | 'FHD' | 'QHD' | '2K' | '4K' | '8K' (any case) or 'WxH'. */
export function parseResolution(text: string): Resolution {
  const trimmed = text.trim()
  const preset = RESOLUTION_PRESETS[trimmed.toUpperCase()]
  if (preset !== undefined) return { ...preset }
  const m = /^(\d{1,5})\s*[xX]\s*(\d{1,5})$/.exec(trimmed)
  if (m === null) {
    throw new JobSpecError('resolution', `cannot read resolution ${JSON.stringify(text)} (use WxH or one of ${Object.keys(RESOLUTION_PRESETS).join(', ')})`)
  }
  const width = Number(m[1])
  const height = Number(m[2])
  if (width < 1 || height < 1 || width > LIMITS.maxWidth || height > LIMITS.maxHeight) {
    throw new JobSpecError('resolution', `resolution ${width}x${height} is outside 1x1..${LIMITS.maxWidth}x${LIMITS.maxHeight}`)
  }
  return { width, height }
}

export interface FrameRange {
  frameStart: number
  /** Inclusive. */
  frameEnd: number
}

/** '1-48' (inclusive) or a single frame '7'. */
export function parseFrameRange(text: string): FrameRange {
  const m = /^\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?$/.exec(text)
  if (m === null) throw new JobSpecError('frames', `cannot read frame range ${JSON.stringify(text)} (use START-END or a single frame)`)
  const frameStart = Number(m[1])
  const frameEnd = m[2] === undefined ? frameStart : Number(m[2])
  if (frameEnd < frameStart) {
    throw new JobSpecError('frames', `frame range ${frameStart}-${frameEnd} is reversed (the last frame comes before the first)`)
  }
  if (frameEnd > LIMITS.maxFrameNumber) {
    throw new JobSpecError('frames', `frame ${frameEnd} is past the highest frame number ${LIMITS.maxFrameNumber}`)
  }
  return { frameStart, frameEnd }
}
