// Checks that a file is a whole .blend before Blender sees it, so a wrong or
// cut-off upload fails with one clear line instead of a Blender log. A .blend
// starts with "BLENDER", a pointer-size byte, an endianness byte and a
// 3-digit version, and ends with an ENDB block header (20 or 24 bytes).
// Blender 3.x compresses with zstd as many independent frames plus a seek
// table; older versions with gzip.
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { createGunzip, createZstdDecompress } from 'node:zlib'
import { SceneError } from './errors.ts'

export interface BlendFileInfo {
  compression: 'none' | 'gzip' | 'zstd'
  /** Blender version that saved the file, e.g. "3.4". */
  version: string
  pointerBytes: 4 | 8
  bigEndian: boolean
}

const HEADER = /^BLENDER([_-])([vV])(\d)(\d\d)$/
const GZIP = Buffer.from([0x1f, 0x8b])
const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

export async function checkBlendFile(path: string, limits: { sceneBytes: number; sceneUncompressedBytes: number }): Promise<BlendFileInfo> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new SceneError('not a regular file')
    size = info.size
  } catch (err) {
    if (err instanceof SceneError) throw err
    throw new SceneError(`cannot read the scene file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err })
  }
  if (size > limits.sceneBytes) throw new SceneError(`file is ${size} bytes, more than the limit of ${limits.sceneBytes}`)
  const head = await readAt(path, 0, Math.min(size, 12))
  if (head.subarray(0, 7).toString('latin1') === 'BLENDER') {
    const info = parseHeader(head, 'none')
    const tail = await readAt(path, Math.max(0, size - endBlockBytes(info)), endBlockBytes(info))
    checkEnd(tail, info)
    return info
  }
  if (head.subarray(0, 2).equals(GZIP)) return checkStream(path, 'gzip', limits.sceneUncompressedBytes)
  if (head.length >= 4 && head.readUInt32LE(0) === ZSTD_MAGIC) return checkZstd(path, size, limits.sceneUncompressedBytes)
  throw new SceneError(`not a .blend file (starts with ${JSON.stringify(head.subarray(0, 8).toString('latin1').replace(/[^\x20-\x7e]/g, '.'))})`)
}

function parseHeader(head: Buffer, compression: BlendFileInfo['compression']): BlendFileInfo {
  const m = HEADER.exec(head.subarray(0, 12).toString('latin1'))
  if (m === null) throw new SceneError(compression === 'none' ? 'truncated or damaged .blend header' : `${compression} data is not a .blend file`)
  return { compression, version: `${m[3]}.${Number(m[4])}`, pointerBytes: m[1] === '-' ? 8 : 4, bigEndian: m[2] === 'V' }
}

/** code(4) + length(4) + old pointer + SDNA index(4) + count(4). */
function endBlockBytes(info: BlendFileInfo): number {
  return 16 + info.pointerBytes
}

function checkEnd(tail: Buffer, info: BlendFileInfo): void {
  if (tail.length < endBlockBytes(info) || tail.subarray(0, 4).toString('latin1') !== 'ENDB') {
    throw new SceneError(`truncated .blend file (no end block${info.compression === 'none' ? '' : ` after ${info.compression} decompression`})`)
  }
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buf, 0, length, position)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Streams the decompressed data, keeping only its first 12 and last 24 bytes. */
async function decompressEnds(source: NodeJS.ReadableStream, kind: 'gzip' | 'zstd', maxBytes: number): Promise<{ head: Buffer; tail: Buffer }> {
  const inflate = kind === 'gzip' ? createGunzip() : createZstdDecompress()
  let head = Buffer.alloc(0)
  let tail = Buffer.alloc(0)
  let total = 0
  try {
    for await (const chunk of source.pipe(inflate) as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) throw new SceneError(`decompresses to more than ${maxBytes} bytes`)
      if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)])
      tail = Buffer.concat([tail, chunk]).subarray(-24)
    }
  } catch (err) {
    if (err instanceof SceneError) throw err
    throw new SceneError(`truncated or damaged ${kind} .blend (${(err as Error).message})`, { cause: err })
  } finally {
    inflate.destroy()
  }
  return { head, tail }
}

async function checkStream(path: string, kind: 'gzip', maxBytes: number): Promise<BlendFileInfo> {
  const { head, tail } = await decompressEnds(createReadStream(path), kind, maxBytes)
  const info = parseHeader(head, kind)
  checkEnd(tail.subarray(tail.length - endBlockBytes(info)), info)
  return info
}

/**
 * Walks the zstd frame structure (block headers only) to prove the file is
 * complete, then decompresses just the first frame (header) and the last
 * data frame (end block): the frames are independent. Node's zstd stream
 * stops at the first frame boundary, so frames go through it one by one.
 */
async function checkZstd(path: string, size: number, maxBytes: number): Promise<BlendFileInfo> {
  const frames = await zstdFrames(path, size)
  if (frames.length === 0) throw new SceneError('zstd .blend holds no data')
  const first = frames[0]!
  const last = frames[frames.length - 1]!
  const { head } = await decompressEnds(createReadStream(path, { start: first.start, end: first.end - 1 }), 'zstd', maxBytes)
  const info = parseHeader(head, 'zstd')
  const { tail } = await decompressEnds(createReadStream(path, { start: last.start, end: last.end - 1 }), 'zstd', maxBytes)
  checkEnd(tail.subarray(tail.length - endBlockBytes(info)), info)
  return info
}

async function zstdFrames(path: string, size: number): Promise<{ start: number; end: number }[]> {
  const handle = await open(path, 'r')
  const frames: { start: number; end: number }[] = []
  const truncated = () => new SceneError('truncated zstd .blend (a frame runs past the end of the file)')
  const bytes = async (at: number, n: number) => {
    if (at + n > size) throw truncated()
    const buf = Buffer.alloc(n)
    await handle.read(buf, 0, n, at)
    return buf
  }
  try {
    let p = 0
    while (p < size) {
      const magic = (await bytes(p, 4)).readUInt32LE(0)
      if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
        p += 8 + (await bytes(p + 4, 4)).readUInt32LE(0)
        continue
      }
      if (magic !== ZSTD_MAGIC) throw new SceneError(`damaged zstd .blend (no frame at byte ${p})`)
      const start = p
      const fhd = (await bytes(p + 4, 1))[0]!
      const single = (fhd >> 5) & 1
      p += 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + [single, 2, 4, 8][fhd >> 6]!
      for (;;) {
        const h = await bytes(p, 3)
        const header = h[0]! | (h[1]! << 8) | (h[2]! << 16)
        const type = (header >> 1) & 3
        if (type === 3) throw new SceneError(`damaged zstd .blend (reserved block type at byte ${p})`)
        p += 3 + (type === 1 ? 1 : header >>> 3)
        if (header & 1) break
      }
      if ((fhd >> 2) & 1) p += 4
      if (p > size) throw truncated()
      frames.push({ start, end: p })
    }
  } finally {
    await handle.close()
  }
  return frames
}
