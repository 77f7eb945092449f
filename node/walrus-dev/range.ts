// The Range requests a Walrus aggregator serves: one closed byte range,
// `bytes=a-b` with a <= b < size. Open-ended (`a-`), suffix (`-n`) and
// multi-part ranges, and ranges past the end, are refused with 416.

export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' }

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'whole' }
  const m = /^bytes=(\d{1,15})-(\d{1,15})$/.exec(header.trim())
  if (!m) return { kind: 'unsatisfiable' }
  const start = Number(m[1])
  const end = Number(m[2])
  if (start > end || end >= size) return { kind: 'unsatisfiable' }
  return { kind: 'part', start, end }
}
