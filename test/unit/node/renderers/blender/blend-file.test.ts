import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync, zstdCompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkBlendFile } from '../../../../../node/renderers/blender/blend-file.ts'
import { SceneError } from '../../../../../node/renderers/blender/errors.ts'

const LIMITS = { sceneBytes: 1 << 20, sceneUncompressedBytes: 1 << 20 }

/** A minimal .blend shape: header, one data block, ENDB block header (64-bit pointers). */
function fakeBlend(body = 'REND\0\0\0\0 some data'): Buffer {
  const endb = Buffer.alloc(24)
  endb.write('ENDB', 0, 'latin1')
  return Buffer.concat([Buffer.from('BLENDER-v304', 'latin1'), Buffer.from(body, 'latin1'), endb])
}

/** Blender 3.x writes zstd as independent frames plus a skippable seek-table frame. */
function zstdFrames(data: Buffer, chunk: number): Buffer {
  const frames: Buffer[] = []
  for (let i = 0; i < data.length; i += chunk) frames.push(zstdCompressSync(data.subarray(i, i + chunk)))
  const seek = Buffer.alloc(8 + 5)
  seek.writeUInt32LE(0x184d2a5e, 0)
  seek.writeUInt32LE(5, 4)
  return Buffer.concat([...frames, seek])
}

describe('checkBlendFile', () => {
  let dir: string
  const file = async (name: string, bytes: Buffer | string) => {
    const path = join(dir, name)
    await writeFile(path, bytes)
    return path
  }
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-blendfile-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts plain, gzip and multi-frame zstd .blend files', async () => {
    const blend = fakeBlend('x'.repeat(5000))
    expect(await checkBlendFile(await file('plain.blend', blend), LIMITS)).toEqual({ compression: 'none', version: '3.4', pointerBytes: 8, bigEndian: false })
    expect((await checkBlendFile(await file('gz.blend', gzipSync(blend)), LIMITS)).compression).toBe('gzip')
    expect((await checkBlendFile(await file('zst.blend', zstdFrames(blend, 1000)), LIMITS)).compression).toBe('zstd')
  })

  it('refuses what is not a .blend with one line', async () => {
    for (const [name, bytes, why] of [
      ['empty.blend', '', /not a \.blend file/],
      ['html.blend', '<!DOCTYPE html><html>', /not a \.blend file \(starts with "<!DOCTYP"\)/],
      ['png.blend', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /not a \.blend file/],
      ['gz-text.blend', gzipSync('hello world, not a blend'), /gzip data is not a \.blend/],
      ['header.blend', 'BLENDER-v30', /truncated or damaged \.blend header/]
    ] as const) {
      const err = await checkBlendFile(await file(name, bytes), LIMITS).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SceneError)
      expect((err as Error).message).toMatch(why)
      expect((err as Error).message).not.toContain('\n')
    }
  })

  it('refuses truncated files, compressed or not', async () => {
    const blend = fakeBlend('y'.repeat(5000))
    await expect(checkBlendFile(await file('cut.blend', blend.subarray(0, 3000)), LIMITS)).rejects.toThrow(/truncated \.blend file/)
    const gz = gzipSync(blend)
    await expect(checkBlendFile(await file('cut-gz.blend', gz.subarray(0, gz.length - 10)), LIMITS)).rejects.toThrow(/truncated or damaged gzip/)
    const zst = zstdFrames(blend, 1000)
    await expect(checkBlendFile(await file('cut-zst.blend', zst.subarray(0, zst.length - 40)), LIMITS)).rejects.toThrow(/truncated zstd/)
    // Whole frames dropped: the structure is fine but the end block is missing.
    const firstFrames = zstdFrames(blend.subarray(0, 3000), 1000)
    await expect(checkBlendFile(await file('short-zst.blend', firstFrames), LIMITS)).rejects.toThrow(/no end block/)
  })

  it('refuses files over the size limits', async () => {
    await expect(checkBlendFile(await file('big.blend', fakeBlend('z'.repeat(3000))), { ...LIMITS, sceneBytes: 1000 })).rejects.toThrow(/more than the limit/)
    const bomb = gzipSync(fakeBlend('\0'.repeat(2 << 20)))
    await expect(checkBlendFile(await file('bomb.blend', bomb), LIMITS)).rejects.toThrow(/decompresses to more than/)
  })

  it('refuses folders and missing files', async () => {
    await expect(checkBlendFile(dir, LIMITS)).rejects.toThrow(/not a regular file/)
    await expect(checkBlendFile(join(dir, 'nope.blend'), LIMITS)).rejects.toThrow(/ENOENT/)
  })
})
