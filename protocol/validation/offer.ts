// SPEC R41: WorkerOffer, the price and capacity a worker advertises.
import { fail, hardware, intInRange, knownRenderer, price, shortString, slots } from './checks.ts'
import type { MessageRules } from './types.ts'

export const offerRules: MessageRules<'WorkerOffer'> = {
  fields(offer) {
    // R41a: an offer that names no renderer can serve no job.
    if (offer.renderers.length === 0) fail('FIELD_RANGE', 'offer names no renderer')
    offer.renderers.forEach((r, i) => {
      knownRenderer(`renderers[${i}].name`, r.name)
      shortString(`renderers[${i}].version`, r.version)
      for (const [j, e] of r.engines.entries()) shortString(`renderers[${i}].engines[${j}]`, e)
      for (const [j, d] of r.devices.entries()) shortString(`renderers[${i}].devices[${j}]`, d)
    })
    hardware(offer.hardware)
    // R41b: the price is what the network averages; bound it like a job's cap.
    price('price', offer.price)
    // R41c: capacity is 1..maxSlots, and free slots never exceed it.
    slots('slots', offer.slots)
    intInRange('freeSlots', offer.freeSlots, 0, offer.slots)
    shortString('region', offer.region)
    intInRange('seq', offer.seq, 0, Number.MAX_SAFE_INTEGER)
  },
  timestampMs: (offer) => offer.timestampMs,
  // R31: a newer offer replaces the last one; seq orders them per signer.
  seq: (offer) => offer.seq
}
