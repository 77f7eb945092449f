// The first step of reading a canonical-JSON manifest (project.ts,
// walrus-parts.ts): strict UTF-8, then JSON. The text comes back with the
// value because each reader then checks canonical form by re-encoding what it
// parsed and comparing it with this text.

export interface DecodedJson {
  text: string
  value: unknown
}

/** The bytes as text and parsed JSON; undefined for invalid UTF-8 (a BOM included, not skipped) or invalid JSON. */
export function decodeJson(bytes: Uint8Array): DecodedJson | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    return { text, value: JSON.parse(text) }
  } catch {
    return undefined
  }
}
