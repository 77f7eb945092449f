// Explicit limits for untrusted scenes and settings. Scenes arrive from
// other peers, so every count that drives memory or time is capped here;
// the numbers are generous for the scenes this renderer is meant for.

export const MAX_SCENE_BYTES = 4 * 1024 * 1024
export const MAX_OBJECTS = 10_000
/** Over all meshes together: the BVH build is O(n log^2 n) per frame. */
export const MAX_TRIANGLES = 100_000
export const MAX_VERTICES = 300_000
export const MAX_MATERIALS = 1_000
/** Every light is sampled at every diffuse bounce, so few are allowed. */
export const MAX_LIGHTS = 64
export const MAX_TRACKS = 1_000
export const MAX_KEYFRAMES = 10_000
export const MAX_DEPTH = 64
export const DEFAULT_MAX_DEPTH = 8
/** Keeps coordinates where double precision still resolves small offsets. */
export const MAX_COORD = 1e6
export const MAX_COLOR = 1e6
export const MAX_FRAME = 1_000_000
export const MAX_NAME_LENGTH = 64

export const MAX_IMAGE_SIDE = 16_384
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024
export const MAX_SAMPLES = 65_536
