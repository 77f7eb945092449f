// Verification, the node side: pixel comparison and per-frame integrity
// checks on decoded images. Pure functions over bytes and pixels; the
// checker role (node/roles/checker) does the fetching and re-rendering.
export { compareImages, cropImage, DEFAULT_THRESHOLDS, describe, type ImageComparison, passes, type RgbaImage, SSIM_BLOCK, type Thresholds, thresholdsFor } from './compare.ts'
export {
  type CommittedFrame,
  checkRevealedFrame,
  duplicateGroups,
  type FrameIntegrity,
  inspectFrame,
  inspectFrameFile,
  isFlat,
  maxPngBytes,
  type RevealedFrame
} from './integrity.ts'
