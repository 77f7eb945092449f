// Errors of the networking layer, each with a code and a one-line message.
import { PictorError } from '../errors.ts'

/** A message this node would not publish: its neighbours would count it against their limits for us (SPEC R36). */
export class GossipLimitError extends PictorError {
  constructor(message: string) {
    super('GOSSIP_LIMIT', message)
  }
}
