import { describe, expect, it } from 'vitest'
import { JobSpecError } from '../../../../protocol/errors.ts'
import { parseFrameRange, parseResolution } from '../../../../protocol/job/parse.ts'

describe('parseResolution', () => {
  it.each([
    ['HD', 1280, 720],
    ['fhd', 1920, 1080],
    ['QHD', 2560, 1440],
    ['2K', 2048, 1080],
    ['4k', 3840, 2160],
    ['8K', 7680, 4320],
    ['320x180', 320, 180],
    [' 1024 X 768 ', 1024, 768]
  ])('%s', (text, width, height) => expect(parseResolution(text)).toEqual({ width, height }))

  it.each(['', '16K', '7681x4320', '1920x4321', '0x10', '-1x5', '1920*1080', '1e3x10'])('rejects %j', (text) => {
    expect(() => parseResolution(text)).toThrow(JobSpecError)
  })
})

describe('parseFrameRange', () => {
  it('reads ranges and single frames', () => {
    expect(parseFrameRange('1-48')).toEqual({ frameStart: 1, frameEnd: 48 })
    expect(parseFrameRange(' 3 - 3 ')).toEqual({ frameStart: 3, frameEnd: 3 })
    expect(parseFrameRange('7')).toEqual({ frameStart: 7, frameEnd: 7 })
    expect(parseFrameRange('0')).toEqual({ frameStart: 0, frameEnd: 0 })
  })

  it.each(['', '48-1', '1-', '-5', 'a-b', '1..4', '1-2-3', '2000000'])('rejects %j', (text) => {
    expect(() => parseFrameRange(text)).toThrow(JobSpecError)
  })

  it('explains a reversed range in one line', () => {
    expect(() => parseFrameRange('48-1')).toThrow(/48-1 is reversed/)
  })
})
