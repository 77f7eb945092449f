// @ts-check
// The New job form's values (as typed: strings) and the one place they
// become the JSON body the creator's API takes. No rule is checked here:
// the server validates the body with the protocol's own code and the page
// shows its one-line answer. Empty fields are left out, so the server's
// defaults apply; what is typed goes through as typed (a number where it
// reads as one), so a wrong value gets the server's words for it.

/** The resolution presets the CLI's --resolution takes (protocol/job/parse.ts RESOLUTION_PRESETS). */
export const RESOLUTIONS = {
  HD: { width: 1280, height: 720 },
  FHD: { width: 1920, height: 1080 },
  QHD: { width: 2560, height: 1440 },
  '4K': { width: 3840, height: 2160 },
  '8K': { width: 7680, height: 4320 }
}

/** Pricing tiers (protocol/job/tiers.ts): each fixes the verification level and a price band. */
export const TIERS = [
  { tier: 0, label: 'none: verification and filters as set here' },
  { tier: 1, label: 'premium: strict verification, price cap 1500-10000' },
  { tier: 2, label: 'standard: standard verification, price cap 600-3000' },
  { tier: 3, label: 'economy: light verification, price cap 0-1200' }
]

export const ENGINES = ['CYCLES', 'BLENDER_EEVEE']
export const DEVICES = ['CPU', 'GPU']
export const OUTPUT_FORMATS = ['PNG', 'JPEG', 'EXR']

/** Seconds per unit of the timeout fields. */
export const TIME_UNITS = { minutes: 60, hours: 3600, days: 86400 }

/**
 * @typedef {{
 *   renderer: string, frameStart: string, frameEnd: string, framesPerTask: string,
 *   resolution: string, width: string, height: string, samples: string, seed: string,
 *   engine: string, device: string, rendererVersion: string, outputFormat: string,
 *   maxPrice: string, timeoutStop: string, timeoutStopUnit: string, timeoutAlert: string, timeoutAlertUnit: string,
 *   tier: string, minBenchScore: string, regions: string, gpuVendor: string, gpuModel: string,
 *   minGpuCount: string, minRamGib: string, name: string, comment: string, testFrame: boolean
 * }} JobForm
 */

/** @typedef {{ id: string, size: number, project: boolean }} StoredScene */

/** @type {JobForm} */
export const INITIAL_FORM = {
  renderer: 'builtin',
  frameStart: '1',
  frameEnd: '',
  framesPerTask: '1',
  resolution: 'FHD',
  width: '',
  height: '',
  samples: '',
  seed: '',
  engine: '',
  device: '',
  rendererVersion: '',
  outputFormat: 'PNG',
  maxPrice: '',
  timeoutStop: '',
  timeoutStopUnit: 'hours',
  timeoutAlert: '',
  timeoutAlertUnit: 'minutes',
  tier: '0',
  minBenchScore: '',
  regions: '',
  gpuVendor: '',
  gpuModel: '',
  minGpuCount: '',
  minRamGib: '',
  name: '',
  comment: '',
  testFrame: false
}

/** A typed field as JSON: left out when empty, a number when it reads as one, else the text (for the server to refuse). */
function numberOf(text) {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const n = Number(trimmed)
  return Number.isNaN(n) ? trimmed : n
}

/** @param {string} text @param {number} factor */
function scaled(text, factor) {
  const n = numberOf(text)
  return typeof n === 'number' ? n * factor : n
}

/** @param {string} text */
function textOf(text) {
  return text.trim() === '' ? undefined : text.trim()
}

/** The renderer a scene's name implies, as the CLI guesses it: a .blend or a project is Blender's. */
export function rendererFor(fileName, project) {
  return project || fileName.toLowerCase().endsWith('.blend') ? 'blender' : 'builtin'
}

/**
 * The POST /api/jobs body (a JobSpec plus the creator-side timeoutAlertS) the form describes.
 * @param {JobForm} form @param {StoredScene | undefined} scene @returns {Record<string, unknown>}
 */
export function jobBody(form, scene) {
  const preset = Object.hasOwn(RESOLUTIONS, form.resolution) ? RESOLUTIONS[form.resolution] : undefined
  const regions = form.regions
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
  const body = {
    renderer: form.renderer,
    sceneBlob: scene?.id,
    sceneSize: scene?.size,
    sceneProject: scene?.project === true ? true : undefined,
    frameStart: numberOf(form.frameStart),
    frameEnd: numberOf(form.frameEnd),
    framesPerTask: numberOf(form.framesPerTask),
    width: preset === undefined ? numberOf(form.width) : preset.width,
    height: preset === undefined ? numberOf(form.height) : preset.height,
    samples: numberOf(form.samples),
    seed: numberOf(form.seed),
    engine: textOf(form.engine),
    device: textOf(form.device),
    rendererVersion: textOf(form.rendererVersion),
    outputFormat: textOf(form.outputFormat),
    maxPrice: numberOf(form.maxPrice),
    timeoutStopS: scaled(form.timeoutStop, TIME_UNITS[form.timeoutStopUnit] ?? 1),
    tier: numberOf(form.tier),
    minBenchScore: numberOf(form.minBenchScore),
    regions: regions.length === 0 ? undefined : regions,
    gpuVendor: textOf(form.gpuVendor),
    gpuModel: textOf(form.gpuModel),
    minGpuCount: numberOf(form.minGpuCount),
    minRamMib: scaled(form.minRamGib, 1024),
    name: textOf(form.name),
    comment: textOf(form.comment),
    timeoutAlertS: scaled(form.timeoutAlert, TIME_UNITS[form.timeoutAlertUnit] ?? 1)
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
}

/** The test frame's job: the first frame alone, everything else as the whole job has it. */
export function testFrameBody(body) {
  return { ...body, frameEnd: body.frameStart, framesPerTask: 1 }
}

/** µPIC (a decimal string) as PIC with six decimals, as `pictor job plan` prints it. */
export function formatPic(micro) {
  const amount = BigInt(micro)
  return `${amount / 1_000_000n}.${(amount % 1_000_000n).toString().padStart(6, '0')}`
}
