import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeProjectManifest, parseProjectManifest, type ProjectFile, type ProjectManifest, projectManifestOf, validateProjectPath } from '../../../../protocol/blobs/project.ts'
import { LIMITS } from '../../../../protocol/constants.ts'
import { ProtocolError } from '../../../../protocol/errors.ts'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const sha256Arb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
const blobIdArb = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 })
// Legal segment characters, some outside ASCII and outside the BMP.
const segmentArb = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-.~é日🎨'), minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..')
const pathArb = fc.array(segmentArb, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'))
const fileArb: fc.Arbitrary<ProjectFile> = fc
  .record({ path: pathArb, sha256: sha256Arb, size: fc.integer({ min: 1, max: LIMITS.maxBlobBytes / 16 }), walrus: fc.option(fc.record({ blobId: blobIdArb, parts: fc.boolean(), offset: fc.integer({ min: 0, max: 1000 }) }), { nil: undefined }) })
  .map(({ walrus, ...f }) => (walrus === undefined ? f : { ...f, walrus }))

/** Files with paths that cannot clash (case, file-versus-folder), plus a main .blend. */
const manifestArb: fc.Arbitrary<ProjectManifest> = fc.array(fileArb, { minLength: 0, maxLength: 12 }).chain((files) =>
  fc.constantFrom('shot.blend', 'scenes/Shot 01.blend').map((main) => {
    const all = [{ path: main, sha256: 'ab'.repeat(32), size: 5 }, ...files.map((f, i) => ({ ...f, path: `d${i}/${f.path}` }))]
    return { main, files: all }
  })
)

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
const H = 'ab'.repeat(32)

function refusal(parse: () => unknown): string {
  try {
    parse()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('PROJECT')
    expect((err as Error).message).not.toContain('\n')
    return (err as Error).message
  }
  throw new Error('accepted')
}

const manifestText = (files: string, main = 'shot.blend') => `{"pictor":"project/1","main":"${main}","files":[${files}]}`
const entry = (path: string, size = 1, sha = H) => `{"path":${JSON.stringify(path)},"sha256":"${sha}","size":${size}}`

describe('project manifest', () => {
  it('encodes in the documented canonical form, files sorted by path', () => {
    const m = { main: 'shot.blend', files: [{ path: 'textures/wood.png', sha256: H, size: 123, walrus: { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 7 } }, { path: 'shot.blend', sha256: 'cd'.repeat(32), size: 9 }] }
    expect(text(encodeProjectManifest(m))).toBe(
      `{"pictor":"project/1","main":"shot.blend","files":[{"path":"shot.blend","sha256":"${'cd'.repeat(32)}","size":9},{"path":"textures/wood.png","sha256":"${H}","size":123,"walrus":{"blobId":"M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk","parts":false,"offset":7}}]}`
    )
  })

  it('round-trips any legal manifest, sorted by UTF-8 bytes', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        const encoded = encodeProjectManifest(m)
        const parsed = parseProjectManifest(encoded)
        expect(parsed.main).toBe(m.main)
        expect(new Set(parsed.files.map((f) => JSON.stringify(f)))).toEqual(new Set(m.files.map((f) => JSON.stringify(f))))
        const keys = parsed.files.map((f) => Buffer.from(f.path))
        for (let i = 1; i < keys.length; i++) expect(Buffer.compare(keys[i - 1]!, keys[i]!)).toBeLessThan(0)
        expect(encodeProjectManifest(parsed)).toEqual(encoded)
      }),
      { numRuns: 2000 }
    )
  })

  it('throws only ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        refusal(() => parseProjectManifest(input))
      }),
      { numRuns: 10_000 }
    )
  })

  it('throws only ProtocolError on arbitrary JSON, and on edits of a valid manifest', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        refusal(() => projectManifestOf(value))
        refusal(() => parseProjectManifest(bytes(JSON.stringify({ pictor: 'project/1', ...(value as object) }))))
      }),
      { numRuns: 10_000 }
    )
    const valid = manifestText(`${entry('a.png')},${entry('shot.blend')}`)
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 4 }), (from, to, insert) => {
        const edited = valid.slice(0, Math.min(from, to)) + insert + valid.slice(Math.max(from, to))
        try {
          const m = parseProjectManifest(bytes(edited))
          expect(text(encodeProjectManifest(m))).toBe(edited)
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError)
        }
      }),
      { numRuns: 10_000 }
    )
  })

  it('refuses generated hostile paths, alone and inside a manifest', () => {
    const hostile = fc.oneof(
      pathArb.map((p) => `/${p}`),
      pathArb.map((p) => `${p}/../../etc/passwd`),
      pathArb.map((p) => `../${p}`),
      pathArb.map((p) => `./${p}`),
      pathArb.map((p) => `${p}/.`),
      pathArb.map((p) => `${p}//x`),
      pathArb.map((p) => `${p}/`),
      pathArb.map((p) => p.replace(/^./, '\\')),
      pathArb.map((p) => `${p}\\..\\x`),
      fc.tuple(fc.constantFrom('C', 'c', 'Z'), pathArb).map(([d, p]) => `${d}:${p}`),
      fc.tuple(pathArb, fc.integer({ min: 0, max: 0x1f })).map(([p, c]) => `${p}${String.fromCharCode(c)}x`),
      pathArb.map((p) => `${p}\u0085`),
      pathArb.map((p) => `${p}\ud800`),
      pathArb.map((p) => `${p}:stream`),
      fc.constant('a/'.repeat(600)),
      fc.constant('x'.repeat(LIMITS.maxProjectPathBytes + 1)),
      fc.constant('')
    )
    fc.assert(
      fc.property(hostile, (path) => {
        refusal(() => validateProjectPath(path))
        refusal(() => projectManifestOf({ main: 'shot.blend', files: [{ path: 'shot.blend', sha256: H, size: 1 }, { path, sha256: H, size: 1 }] }))
        refusal(() => parseProjectManifest(bytes(manifestText(`${entry(path)},${entry('shot.blend')}`))))
      }),
      { numRuns: 10_000 }
    )
    expect(validateProjectPath('x'.repeat(LIMITS.maxProjectPathBytes))).toHaveLength(LIMITS.maxProjectPathBytes)
    expect(refusal(() => validateProjectPath('é'.repeat(513)))).toMatch(/longer than 1024 bytes/)
  })

  it('refuses each broken rule with one line', () => {
    const one = (files: string, main?: string) => refusal(() => parseProjectManifest(bytes(manifestText(files, main))))
    expect(refusal(() => parseProjectManifest(new Uint8Array(LIMITS.maxManifestBytes + 1)))).toMatch(/over 4194304 bytes/)
    expect(refusal(() => parseProjectManifest(bytes('{"pictor":')))).toMatch(/not UTF-8 JSON/)
    expect(refusal(() => parseProjectManifest(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatch(/not UTF-8 JSON/)
    expect(refusal(() => parseProjectManifest(bytes('{"pictor":"project/2","main":"shot.blend","files":[]}')))).toMatch(/"pictor":"project\/1"/)
    expect(one('')).toMatch(/1 to 10000 files/)
    const many = Array.from({ length: LIMITS.maxProjectFiles + 1 }, (_, i) => entry(`f${String(i).padStart(5, '0')}`)).join(',')
    expect(one(many)).toMatch(/1 to 10000 files/)
    expect(one(`${entry('shot.blend')},${entry('shot.blend')}`)).toMatch(/"shot.blend" is listed twice/)
    expect(one(`${entry('Tex.png')},${entry('shot.blend')},${entry('tex.png')}`)).toMatch(/"Tex.png" and "tex.png" differ only in case/)
    expect(one(`${entry('caf\u00e9.png')},${entry('cafe\u0301.png')},${entry('shot.blend')}`)).toMatch(/differ only in case/)
    expect(one(`${entry('a')},${entry('a/b.png')},${entry('shot.blend')}`)).toMatch(/"a" is a file, but "a\/b.png" uses it as a folder/)
    expect(one(`${entry('A/b.png')},${entry('a')},${entry('shot.blend')}`)).toMatch(/"a" is a file, but "A\/b.png" uses it as a folder/)
    expect(one(entry('shot.blend', 1.5))).toMatch(/size must be a whole number from 0 to 536870912/)
    expect(one(entry('shot.blend', -1))).toMatch(/size must be a whole number/)
    expect(one(entry('shot.blend', LIMITS.maxBlobBytes + 1))).toMatch(/size must be a whole number/)
    expect(one(`{"path":"shot.blend","sha256":"${H}","size":"1"}`)).toMatch(/size must be a whole number/)
    expect(one(entry('shot.blend', 1, 'AB'.repeat(32)))).toMatch(/sha256 must be 64 lowercase hex/)
    const huge = Array.from({ length: 17 }, (_, i) => entry(`f${String(i).padStart(2, '0')}.blend`, LIMITS.maxBlobBytes)).join(',')
    expect(one(huge, 'f00.blend')).toMatch(/add up to 9126805504 bytes, over the limit of 8589934592/)
    expect(one(entry('shot.blend'), 'other.blend')).toMatch(/main "other.blend" is not one of the project's files/)
    expect(one(entry('shot.png'), 'shot.png')).toMatch(/main "shot.png" must be a .blend file/)
    expect(one(entry('shot.blend'), '../shot.blend')).toMatch(/main "..\/shot.blend" has a '..' segment/)
    expect(one(`{"path":"shot.blend","sha256":"${H}","size":1,"walrus":{"blobId":"short"}}`)).toMatch(/files\[0\]\.walrus: walrus blob id/)
    expect(one(`{"path":"shot.blend","sha256":"${H}","size":0,"walrus":{"blobId":"M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk","parts":false,"offset":0}}`)).toMatch(/walrus range/)
    expect(one(`${entry('shot.blend')},${entry('a.png')}`)).toMatch(/not in canonical form/)
    expect(one(`{"path":"shot.blend","sha256":"${H}","size":1,"extra":1}`)).toMatch(/not in canonical form/)
    expect(refusal(() => parseProjectManifest(bytes(` ${manifestText(entry('shot.blend'))}`)))).toMatch(/not in canonical form/)
    expect(refusal(() => encodeProjectManifest({ main: 'shot.blend', files: Array.from({ length: 4000 }, (_, i) => ({ path: `${'p'.repeat(1000)}${i}.blend`, sha256: H, size: 1 })).concat({ path: 'shot.blend', sha256: H, size: 1 }) }))).toMatch(/would be \d+ bytes, over the limit of 4194304/)
  })

  it('accepts empty files and a main in a subfolder', () => {
    const m = parseProjectManifest(bytes(manifestText(`${entry('empty.txt', 0)},${entry('scenes/shot.blend')}`, 'scenes/shot.blend')))
    expect(m.files.map((f) => [f.path, f.size])).toEqual([['empty.txt', 0], ['scenes/shot.blend', 1]])
  })
})
