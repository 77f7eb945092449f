// The V8 flags a pictor node runs with: bin/pictor.mjs's first line carries
// them (a test keeps the two equal), and the testnet passes them to every
// node it spawns. Measured under the attack suite's stream and connection
// floods (README "Security"): with V8's defaults on a machine with a lot of
// memory the heap grows by a factor of up to 4 before it collects and a
// busy node's RSS rose 200-260 MiB over a live heap that stayed near 40 MiB
// (heap snapshots: 38 and 40 MB); a 2 MiB young generation and a 768 MiB
// old-generation limit (growth factor ~1.8) keep it within ~40-60 MiB, and
// blob transfers ran no slower. A node whose live heap nears 768 MiB is
// leaking: it stops with an out-of-memory error, and its state on disk is
// whole.
export const NODE_V8_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=768'] as const
