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
}

export interface BlobGetOptions {
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress) => void
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
