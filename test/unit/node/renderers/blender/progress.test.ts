import { describe, expect, it } from 'vitest'
import { LineSplitter, parseLine } from '../../../../../node/renderers/blender/progress.ts'

const NONCE = 'f00dfeed'

describe('Blender output parsing', () => {
  it('reads our report lines only with the task nonce', () => {
    expect(parseLine(`PICTOR ${NONCE} frame 12 0.3124`, NONCE)).toEqual({ kind: 'frame', frame: 12, seconds: 0.3124 })
    expect(parseLine(`PICTOR ${NONCE} done`, NONCE)).toEqual({ kind: 'done' })
    expect(parseLine(`PICTOR ${NONCE} ready 2`, NONCE)).toEqual({ kind: 'ready', neutralised: 2 })
    // A scene cannot know the nonce, so an object named like a report is just text.
    expect(parseLine('PICTOR 0000 frame 12 0.1', NONCE)).toBeUndefined()
    expect(parseLine(`PICTOR ${NONCE} frame twelve 0.1`, NONCE)).toBeUndefined()
  })

  it('reads errors and neutralised paths with JSON strings', () => {
    expect(parseLine(`PICTOR ${NONCE} error SCENE_INVALID "the scene has no active camera"`, NONCE)).toEqual({ kind: 'error', code: 'SCENE_INVALID', message: 'the scene has no active camera' })
    expect(parseLine(`PICTOR ${NONCE} neutralised image "my tex \\"1\\"" "/etc/passwd"`, NONCE)).toEqual({ kind: 'neutralised', what: 'image', name: 'my tex "1"', path: '/etc/passwd' })
  })

  it('reads Cycles sample progress and saved files', () => {
    const line = 'Fra:2 Mem:10.07M (Peak 10.24M) | Time:00:00.01 | Remaining:00:00.06 | Mem:1.01M, Peak:1.01M | Scene, ViewLayer | Sample 1/8'
    expect(parseLine(line, NONCE)).toEqual({ kind: 'sample', frame: 2, sample: 1, samples: 8 })
    expect(parseLine("Saved: '/tmp/w/out/000002.png'", NONCE)).toEqual({ kind: 'saved', path: '/tmp/w/out/000002.png' })
    expect(parseLine('Fra:2 Mem:9.48M (Peak 10.41M) | Time:00:00.07 | Scene, ViewLayer | Updating Lights', NONCE)).toBeUndefined()
  })

  it('notices allocation failures and Blender errors', () => {
    expect(parseLine('Calloc returns null: len=603979776 in CDMEdge, total 436703036', NONCE)).toEqual({ kind: 'out-of-memory' })
    expect(parseLine("Error: File format is not supported in file '/tmp/bad.blend'", NONCE)).toEqual({ kind: 'blender-error', message: "File format is not supported in file '/tmp/bad.blend'" })
  })

  it('splits chunks into lines and cuts runaway lines', () => {
    const lines: string[] = []
    const s = new LineSplitter((l) => lines.push(l), 10)
    s.push('ab')
    s.push('c\r\nde\nf')
    s.push('x'.repeat(20))
    s.push('tail')
    s.end()
    expect(lines).toEqual(['abc', 'de', `f${'x'.repeat(20)}`.slice(0, 10), 'tail'])
  })
})
