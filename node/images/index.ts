// Images: decoding untrusted frames of each output format (hardened), the
// pixel hash results commit to, and the encoders the Blender path writes
// frames with (so no renderer metadata leaves the machine).
export { animatedPreview, contactSheet, displayPixels, type SheetInput, thumbnailOf } from './contact-sheet.ts'
export { decodeFrame } from './decode.ts'
export { ImageError } from './errors.ts'
export { decodeExr, halfToFloat } from './exr-read.ts'
export { encodeExr, type ExrWriteOptions } from './exr-write.ts'
export { type DecodedFrame, type FloatFrame, type Frame, isFloatFrame } from './frame.ts'
export { FRAME_FORMATS, formatOf, maxFrameBytes, maxFrameBytesOf } from './frame-format.ts'
export { decodeJpeg, encodeJpeg, JPEG_BLOCK, JPEG_QUALITY, jpegBlockRegion } from './jpeg.ts'
export { pixelHash } from './pixel-hash.ts'
export { decodePng } from './png.ts'
export { loadSharp, type Sharp } from './sharp.ts'
