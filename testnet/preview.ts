// Contact sheet and animated preview of a job's frames, written to files
// (the demo's out/). The images are made by node/images, which the
// creator's API serves them with too.
import { animatedPreview, contactSheet } from '../node/images/contact-sheet.ts'
import { writeFileAtomic } from '../node/store/atomic-file.ts'

export async function writeContactSheet(framePaths: string[], out: string, across = 6): Promise<void> {
  await writeFileAtomic(out, await contactSheet(framePaths, { across }))
}

/** An animated WebP at `fps`, looping forever. */
export async function writeAnimatedPreview(framePaths: string[], out: string, fps = 12): Promise<void> {
  await writeFileAtomic(out, await animatedPreview(framePaths, { fps }))
}
