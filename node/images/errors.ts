// Errors of the image area: a frame that cannot be decoded, is not the
// format or size the job asks for, or breaks a limit. The message is one
// line that names what is wrong with the file, never a decoder's stack.
import { PictorError } from '../errors.ts'

export class ImageError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMAGE', message, options)
  }
}
