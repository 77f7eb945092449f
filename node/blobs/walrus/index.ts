// Walrus as a remote blob backend: the public surface of node/blobs/walrus/.
// The node builds one WalrusHttpClient from its settings and hands it, with
// the local store and a LevelDB sublevel, to WalrusBlobs, which the
// NetworkedBlobStore takes as its `remote`.

export { computeWalrusBlobId, MAX_SHARDS, MIN_SHARDS, WALRUS_MAINNET_SHARDS, warmBlobIds } from './blob-id.ts'
export {
  WalrusBlobIdMismatchError,
  WalrusConfigError,
  WalrusError,
  WalrusHttpError,
  WalrusNetworkError,
  WalrusNotFoundError,
  WalrusRefError,
  WalrusResponseError,
  WalrusTimeoutError,
  WalrusTooLargeError
} from './errors.ts'
export {
  WALRUS_MAX_JSON_BYTES,
  WalrusHttpClient,
  type WalrusHealth,
  type WalrusHttpClientInit,
  type WalrusReadOptions,
  type WalrusStored,
  type WalrusStoreOptions
} from './http-client.ts'
export { type WalrusBlobsInit, WalrusBlobs, type WalrusClient } from './walrus-blobs.ts'
