// The blob seam. Blob ids are the lowercase hex sha256 of the blob's bytes
// (64 characters); every reader verifies the hash, whoever supplied the bytes.

export type BlobId = string

export interface BlobProgress {
  bytes: number
  total?: number
}

export interface BlobPutOptions {
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress) => void
  /** Refuse (and keep nothing) past this many bytes. */
  maxBytes?: number
  /** Announce this node as a provider in the DHT (default true). Off for blobs always fetched from a known peer. */
  announce?: boolean
  /** Keep the blob only if its bytes hash to this id (BlobHashMismatchError otherwise, nothing kept). */
  expectedId?: BlobId
  /**
   * fsync the file and its folder before the put resolves (default true).
   * False for bytes that can be re-created (a rendered frame): a crash may
   * then lose the blob, but never leaves a partial or unverified one.
   */
  durable?: boolean
  /** Bytes the source is expected to yield, when known: sizes write buffers. Not a limit (maxBytes is). */
  sizeHint?: number
  /**
   * With a Uint8Array source: the file these bytes were just read from,
   * which the caller gives up (a rendered frame in a folder it owns). A
   * local store moves it into place instead of writing a copy, if it is
   * still the file that was read; otherwise it writes the bytes as usual.
   * The file is gone or moved once the put settles. Nothing may write to it
   * meanwhile: a write that keeps its size within the mtime's granularity
   * would go unseen. Ignored for streams, and by stores without files.
   */
  adopt?: BlobAdoptFile
}

/** A file a put may move into the store (BlobPutOptions.adopt). */
export interface BlobAdoptFile {
  path: string
  /** The file's stat (bigint) through the handle its bytes were read from, taken before the read. */
  read: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint }
}

/**
 * How a local read checks the bytes: 'always' hashes them as they are read;
 * 'once' skips that for a file this store verified since it started (written
 * by a put, or read through in full) whose inode, size and timestamps have
 * not changed since, for readers that need no second pass (a peer fetching
 * the blob hashes it itself; a copy made right after a verified fetch).
 */
export type BlobVerify = 'always' | 'once'

export interface BlobGetOptions {
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress) => void
  /** Default 'always'. */
  verify?: BlobVerify
}

export interface BlobStat {
  id: BlobId
  size: number
}

export interface BlobStore {
  has(id: BlobId): Promise<boolean>
  stat(id: BlobId): Promise<BlobStat | undefined>
  put(source: Uint8Array | AsyncIterable<Uint8Array>, options?: BlobPutOptions): Promise<BlobStat>
  putFile(path: string, options?: BlobPutOptions): Promise<BlobStat>
  /** Streams the blob; throws BlobNotFoundError when it is not here. */
  get(id: BlobId, options?: BlobGetOptions): AsyncIterable<Uint8Array>
  /** Copies the blob to a file (written to a temp name, then renamed). */
  getFile(id: BlobId, path: string, options?: BlobGetOptions): Promise<void>
}

/** Where a blob's bytes also live on a remote store (the protocol's WalrusRef). */
export interface RemoteRef {
  blobId: string
  parts: boolean
  offset: number
}

/** A remote copy of one blob: where, and how many bytes. */
export interface RemoteCopy {
  ref: RemoteRef
  size: number
}

/** The remote copy a message describes, if it names one (a ref needs the size to be read). */
export function remoteCopyOf(ref: RemoteRef | undefined, size: number | undefined): RemoteCopy | undefined {
  return ref === undefined || size === undefined ? undefined : { ref, size }
}

/**
 * A remote blob backend beside the local store (Walrus). Blobs keep their
 * sha256 id; the backend only adds a second place to read them from.
 */
export interface RemoteBlobs {
  /** What `pictor status` shows, e.g. "walrus". */
  readonly name: string
  /**
   * Stores local blobs remotely, together as one object where that is
   * cheaper, and returns where each now lives. Blobs published before and
   * still live are not sent again.
   */
  publish(ids: BlobId[], options?: { signal?: AbortSignal }): Promise<Map<BlobId, RemoteRef>>
  /** Reads `size` bytes at `ref` into the local store, kept only if they hash to `id`. */
  fetchInto(ref: RemoteRef, id: BlobId, size: number, options?: BlobGetOptions): Promise<BlobStat>
  /** Whether the endpoints answer, for `pictor status`: one line each. */
  health(options?: { signal?: AbortSignal }): Promise<{ ok: boolean; detail: string }>
}
