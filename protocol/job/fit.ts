// Whether a renderer a worker runs can serve a job (SPEC R55): the same
// rule decides a worker's bid and the creator's account of why nobody bid.
// Empty engine, device and version mean "any"; when a job pins one, a
// mismatch would fail verification, since checkers re-render with the same
// settings.
import { versionSatisfies } from './renderer-version.ts'

/** What a job asks of the renderer (JobSpec and JobAnnouncement both have these fields). */
export interface RendererRequirements {
  renderer: string
  rendererVersion: string
  engine: string
  device: string
}

/** What a worker says about one renderer (RendererInfo in offers; the renderer's capabilities). */
export interface RendererOffer {
  name: string
  version: string
  engines: readonly string[]
  devices: readonly string[]
}

export type RendererRequirement = keyof RendererRequirements

/** Checked in this order: a renderer of another name fails the rest trivially. */
export const RENDERER_REQUIREMENTS: readonly RendererRequirement[] = ['renderer', 'rendererVersion', 'engine', 'device']

export function meetsRequirement(job: RendererRequirements, offer: RendererOffer, requirement: RendererRequirement): boolean {
  switch (requirement) {
    case 'renderer':
      return offer.name === job.renderer
    case 'rendererVersion':
      return versionSatisfies(offer.version, job.rendererVersion)
    case 'engine':
      return job.engine === '' || offer.engines.includes(job.engine)
    case 'device':
      // 'GPU' is any GPU backend; a renderer lists it only when it has a usable one.
      return job.device === '' || offer.devices.includes(job.device)
  }
}

/** The first requirement the renderer misses, with one line saying why; undefined when it can serve the job. */
export function rendererMisfit(job: RendererRequirements, offer: RendererOffer): { requirement: RendererRequirement; reason: string } | undefined {
  const requirement = RENDERER_REQUIREMENTS.find((r) => !meetsRequirement(job, offer, r))
  if (requirement === undefined) return undefined
  const reason = {
    renderer: `job needs renderer ${job.renderer}, we run ${offer.name}`,
    rendererVersion: `job needs ${job.renderer} ${job.rendererVersion}, we run ${offer.version}`,
    engine: `engine ${job.engine} not supported`,
    device: `device ${job.device} not available`
  }[requirement]
  return { requirement, reason }
}
