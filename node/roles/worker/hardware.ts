// What this machine is, as offers and bids describe it. GPU detection is left
// to the renderer that needs it (Blender reports its devices); the built-in
// renderer is CPU only, so the offer says 0 GPUs rather than guessing.
import { cpus, totalmem } from 'node:os'
import { type Hardware, LIMITS } from '../../../protocol/index.ts'

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character (peers REJECT longer ones). */
export function clampUtf8(text: string, maxBytes: number = LIMITS.maxStringBytes): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.byteLength <= maxBytes) return text
  let out = ''
  let used = 0
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (used + n > maxBytes) break
    out += ch
    used += n
  }
  return out
}

export function detectHardware(): Hardware {
  const list = cpus()
  return {
    cpuModel: clampUtf8((list[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' ')),
    cpuCount: list.length,
    gpuModel: '',
    gpuCount: 0,
    // uint32 on the wire: a MiB count overflows only past 4 PiB of RAM.
    ramMib: Math.min(0xffffffff, Math.floor(totalmem() / (1024 * 1024)))
  }
}
