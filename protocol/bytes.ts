// Small byte helpers. Written here rather than taken from uint8arrays because
// its Node build pulls in node:buffer, and protocol/ stays runtime-neutral.
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js'

const encoder = new TextEncoder()

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes)

/** Throws on odd length or non-hex characters. */
export const fromHex = (hex: string): Uint8Array => hexToBytes(hex)

export const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(...parts)

export const utf8 = (text: string): Uint8Array => encoder.encode(text)

/** Bytes of `text` in UTF-8, as TextEncoder writes it (a lone surrogate as U+FFFD), counted without encoding: validators measure every text field of every message. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: one code point above U+FFFF.
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value, false)
  return out
}
