// Decoded frames. PNG and JPEG frames are 8-bit RGBA; EXR frames keep the
// renderer's linear float values (RGBA, float32), because rounding them to
// 8 bits would throw away what an EXR job is for and hide differences a
// checker must see.

export interface DecodedFrame {
  width: number
  height: number
  /** RGBA, 8 bits per channel, row-major, rows top to bottom. */
  pixels: Uint8Array
}

export interface FloatFrame {
  width: number
  height: number
  /** RGBA, float32 per channel, row-major, rows top to bottom; every value finite. */
  pixels: Float32Array
}

export type Frame = DecodedFrame | FloatFrame

export function isFloatFrame(frame: Frame): frame is FloatFrame {
  return frame.pixels instanceof Float32Array
}
