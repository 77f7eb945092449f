// The dev ledger's random beacon: the value that picks the checker for a
// result commitment (and, through the CheckerAssigned event, which frames
// and tiles it samples), and the one that picks the checker of an appeal
// (AppealOpened): each transaction gets its own, derived once it is
// ordered, so the appellant cannot know its appeal checker either.
//
//   beacon = sha256("pictor/v1/dev-beacon" || 0x00 || previous block hash || tx digest || secret)
//
// Why the worker cannot know it before its commitment is final:
// - `secret` is 32 random bytes the devchain draws at genesis and keeps in
//   its own database; only sha256(secret) is published, in the genesis
//   block. A worker holds the previous block hash and its own transaction's
//   digest, but without the secret the hash is unpredictable, so it cannot
//   grind Merkle roots (or wait for a friendly block) to land on a colluding
//   checker.
// - The digest covers the Merkle root, so the beacon is bound to this exact
//   commitment; a different commitment gets an unrelated beacon.
// - The previous block hash is fixed only when the devchain orders the
//   transaction, so even the secret's holder learns the value at that point.
// What it does not protect against: the devchain operator, who knows the
// secret. The dev ledger is a trusted single process by design (it is to
// pictor what Anvil is to Ethereum); publishing the secret after a testnet
// run lets anyone recompute every beacon against the genesis commitment.
//
// On Sui the Move package takes `&Random` instead: validators produce its
// value by threshold cryptography per consensus commit, after the
// transaction is sequenced, and `commit_result` is a non-public `entry`
// function so no other call can inspect the outcome and abort. No single
// party, the operator included, knows or chooses it.
import { sha256 } from '@noble/hashes/sha2.js'

const BEACON_DOMAIN = new TextEncoder().encode('pictor/v1/dev-beacon\0')

export function deriveBeacon(prevBlockHash: string, txDigest: string, secret: Uint8Array): Uint8Array {
  const h = sha256.create()
  h.update(BEACON_DOMAIN)
  h.update(Buffer.from(prevBlockHash, 'hex'))
  h.update(Buffer.from(txDigest, 'hex'))
  h.update(secret)
  return h.digest()
}

export function secretCommitment(secret: Uint8Array): string {
  return Buffer.from(sha256(secret)).toString('hex')
}
