import { expect } from 'vitest'
import type { MessageMap } from '../../../../protocol/codec.ts'
import type { MessageTypeName } from '../../../../protocol/constants.ts'
import { validateSigned } from '../../../../protocol/validation/index.ts'
import { ctx, NOW, samplePayloads, seedA, signed } from '../fixtures.ts'

/** Signs the sample payload of `type` with `changes` and checks the verdict. */
export function expectVerdict<K extends MessageTypeName>(
  type: K,
  changes: Partial<MessageMap[K]>,
  action: 'ACCEPT' | 'IGNORE' | 'REJECT',
  code?: string,
  opts: { seed?: Uint8Array; nowMs?: number } = {}
): void {
  const payload = { ...samplePayloads()[type], ...changes }
  const result = validateSigned(signed(type, payload, opts.seed ?? seedA), [type], ctx(opts.nowMs ?? NOW))
  expect({ action: result.action, code: result.action === 'ACCEPT' ? undefined : result.code }).toEqual({ action, code })
}
