// Verification, the node side: pixel comparison and the integrity checks on
// committed frames that the creator and the checker share. The roles supply
// the fetching; the checker role does the re-rendering.
export { compareImages, cropImage, DEFAULT_THRESHOLDS, describe, displayEncode, type FloatImage, FORMAT_THRESHOLDS, type ImageComparison, passes, type RgbaImage, SSIM_BLOCK, type Thresholds, thresholdsFor } from './compare.ts'
export {
  type CommittedFrame,
  type CommittedFrames,
  checkRevealedFrame,
  duplicateGroups,
  type FetchedFrame,
  type FrameIntegrity,
  type FrameShape,
  type FramesIntegrity,
  inspectFrame,
  inspectFrameFile,
  isFlat,
  maxPngBytes,
  type RevealedFrame,
  verifyCommittedFrames,
  type VerifyFramesOptions
} from './integrity.ts'
