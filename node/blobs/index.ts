// Blobs: content-addressed storage on disk, served and fetched over libp2p.
// The node builds one LocalBlobStore on its data dir and LevelDB, wraps it in
// a NetworkedBlobStore, and hands the latter (as a BlobStore) to the rest.

import { LocalBlobStore, type LocalBlobStoreInit } from './local-store.ts'
import { NetworkedBlobStore, type NetworkedBlobStoreComponents, type NetworkedBlobStoreInit } from './networked-store.ts'

export type { BlobGetOptions, BlobId, BlobProgress, BlobPutOptions, BlobStat, BlobStore, BlobVerify, RemoteBlobs, RemoteCopy, RemoteRef } from './types.ts'
export { remoteCopyOf } from './types.ts'
export {
  BlobError,
  BlobFetchError,
  BlobHashMismatchError,
  BlobNotFoundError,
  BlobPeerBusyError,
  BlobPeerUnreachableError,
  BlobTooLargeError,
  InvalidBlobIdError,
  isBadProvider
} from './errors.ts'
export { assertBlobId, blobCid, blobIdFromBytes, blobIdToBytes, isBlobId } from './ids.ts'
export { PROVIDER_REPLICA_KEYS, providerKeys } from './provider-keys.ts'
export { type BlobIndexDb, type BlobIndexEntry, type BlobIndexOp, memoryBlobIndex } from './blob-index.ts'
export { BLOB_CHUNK_BYTES, LocalBlobStore, type LocalBlobStoreInit } from './local-store.ts'
export { BlobServer, type BlobServerComponents, type BlobServerInit } from './blob-protocol.ts'
export { type FetchBlobOptions, type FetchedBlob, fetchBlobFromPeer, MAX_IN_MEMORY_BLOB_BYTES } from './blob-client.ts'
export { BlobSessions } from './blob-sessions.ts'
export {
  type BlobLibp2p,
  type LocalBlob,
  MAX_BAD_PROVIDER_BLOBS,
  NetworkedBlobStore,
  type NetworkedBlobStoreComponents,
  type NetworkedBlobStoreInit,
  type NetworkedGetOptions
} from './networked-store.ts'

/** The local store, started: interrupted puts swept and the index reconciled. */
export async function createLocalBlobStore(init: LocalBlobStoreInit): Promise<LocalBlobStore> {
  const store = new LocalBlobStore(init)
  await store.start()
  return store
}

/** Not started: call start() once libp2p runs, so the protocol handler is registered. */
export function createNetworkedBlobStore(components: NetworkedBlobStoreComponents, init?: NetworkedBlobStoreInit): NetworkedBlobStore {
  return new NetworkedBlobStore(components, init)
}
