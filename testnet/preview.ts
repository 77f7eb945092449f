// Contact sheet and animated preview of a job's frames, with sharp.
import sharp from 'sharp'

export async function writeContactSheet(framePaths: string[], out: string, across = 6): Promise<void> {
  await sharp(framePaths, { join: { across, shim: 4, background: '#202020' } }).png().toFile(out)
}

/** An animated WebP at `fps`, looping forever. */
export async function writeAnimatedPreview(framePaths: string[], out: string, fps = 12): Promise<void> {
  await sharp(framePaths, { join: { animated: true } })
    .webp({ quality: 85, loop: 0, delay: Array(framePaths.length).fill(Math.round(1000 / fps)) })
    .toFile(out)
}
