// The thread behind blob-id.ts: computes Walrus blob ids with @mysten/walrus's
// encoder. The client is never asked to reach a network (numShards is given),
// so the Sui client it requires points nowhere.
import { parentPort } from 'node:worker_threads'
import { SuiGrpcClient } from '@mysten/sui/grpc'
import { WalrusClient } from '@mysten/walrus'

interface Job {
  seq: number
  bytes: Uint8Array
  shards: number
}

const walrus = new WalrusClient({ network: 'testnet', suiClient: new SuiGrpcClient({ baseUrl: 'http://127.0.0.1:9', network: 'testnet' }) })

parentPort?.on('message', async ({ seq, bytes, shards }: Job) => {
  try {
    const { blobId } = await walrus.computeBlobMetadata({ bytes, numShards: shards })
    parentPort?.postMessage({ seq, blobId })
  } catch (err) {
    parentPort?.postMessage({ seq, error: (err as Error).message ?? String(err) })
  }
})
