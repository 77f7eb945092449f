// Reads Blender's output one line at a time. Our script's report lines carry
// the task's nonce, which the scene cannot know, so an object named like a
// report line cannot fake a finished frame; Blender's own "Fra:" and
// "Saved:" lines only feed progress and diagnostics.

export type OutputEvent =
  | { kind: 'ready'; neutralised: number }
  | { kind: 'neutralised'; what: string; name: string; path: string }
  | { kind: 'frame'; frame: number; seconds: number }
  | { kind: 'done' }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'sample'; frame: number; sample: number; samples: number }
  | { kind: 'saved'; path: string }
  | { kind: 'out-of-memory' }
  | { kind: 'blender-error'; message: string }
  | { kind: 'sandbox-error'; message: string }

const SAMPLE = /^Fra:(\d+) .*\| Sample (\d+)\/(\d+)/
const SAVED = /^Saved: '(.*)'$/
const OOM = /alloc returns null|Memory allocation failed|std::bad_alloc|out of memory/i
/** sandbox_exec.py's one line when it cannot confine Blender (it then exits 126 without starting it). */
const SANDBOX_ERROR = /^sandbox: (.+)$/
const BLENDER_ERROR = /^(Error|ERROR|Fatal Python error)[: ]\s*(.+)$/

function json(text: string): string {
  try {
    const value = JSON.parse(text)
    return typeof value === 'string' ? value : String(value)
  } catch {
    return text
  }
}

/** Splits a JSON-string token off the front; names may contain spaces. */
function takeJson(rest: string): [string, string] {
  const m = /^"(?:[^"\\]|\\.)*"/.exec(rest)
  if (m === null) return ['', rest]
  return [json(m[0]), rest.slice(m[0].length).trimStart()]
}

export function parseLine(line: string, nonce: string): OutputEvent | undefined {
  const prefix = `PICTOR ${nonce} `
  if (line.startsWith(prefix)) return parseReport(line.slice(prefix.length))
  let m = SAMPLE.exec(line)
  if (m !== null) return { kind: 'sample', frame: Number(m[1]), sample: Number(m[2]), samples: Number(m[3]) }
  m = SAVED.exec(line)
  if (m !== null) return { kind: 'saved', path: m[1]! }
  m = SANDBOX_ERROR.exec(line)
  if (m !== null) return { kind: 'sandbox-error', message: m[1]!.slice(0, 300) }
  if (OOM.test(line)) return { kind: 'out-of-memory' }
  m = BLENDER_ERROR.exec(line)
  if (m !== null) return { kind: 'blender-error', message: m[2]!.slice(0, 300) }
  return undefined
}

function parseReport(body: string): OutputEvent | undefined {
  const [word, ...rest] = body.split(' ')
  const tail = rest.join(' ')
  switch (word) {
    case 'ready':
      return { kind: 'ready', neutralised: Number(rest[0]) || 0 }
    case 'done':
      return { kind: 'done' }
    case 'frame': {
      const frame = Number(rest[0])
      const seconds = Number(rest[1])
      return Number.isInteger(frame) && Number.isFinite(seconds) ? { kind: 'frame', frame, seconds } : undefined
    }
    case 'error': {
      const [code = 'RENDER_FAILED', ...words] = rest
      return { kind: 'error', code, message: json(words.join(' ')).slice(0, 300) }
    }
    case 'neutralised': {
      const what = rest[0] ?? ''
      const [name, after] = takeJson(tail.slice(what.length).trimStart())
      const [path] = takeJson(after)
      return { kind: 'neutralised', what, name, path }
    }
    default:
      return undefined
  }
}

/** Feeds chunks in, calls back with whole lines; a line longer than maxLine is cut (a scene can print a lot). */
export class LineSplitter {
  private buffer = ''
  private readonly onLine: (line: string) => void
  private readonly maxLine: number

  constructor(onLine: (line: string) => void, maxLine = 16_384) {
    this.onLine = onLine
    this.maxLine = maxLine
  }

  push(chunk: string): void {
    this.buffer += chunk
    let nl = this.buffer.indexOf('\n')
    while (nl !== -1) {
      this.onLine(this.buffer.slice(0, nl).replace(/\r$/, ''))
      this.buffer = this.buffer.slice(nl + 1)
      nl = this.buffer.indexOf('\n')
    }
    if (this.buffer.length > this.maxLine) {
      this.onLine(this.buffer.slice(0, this.maxLine))
      this.buffer = ''
    }
  }

  end(): void {
    if (this.buffer !== '') this.onLine(this.buffer)
    this.buffer = ''
  }
}
