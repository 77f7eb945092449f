// A creator's blob and project API, real HTTP on 127.0.0.1 over a real
// LocalBlobStore in a temp dir: what `pictor job submit` talks to for a
// project, without the rest of the node. Records every request.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiClient } from '../../../../node/api/client.ts'
import { ApiServer } from '../../../../node/api/server.ts'
import { LocalBlobStore, memoryBlobIndex, type RemoteRef } from '../../../../node/blobs/index.ts'
import { silentLogger } from '../../../../node/log.ts'
import { MetricsRegistry } from '../../../../node/metrics/index.ts'
import type { CreatorComponents } from '../../../../node/roles/creator/index.ts'
import { registerProjectApi } from '../../../../node/roles/creator/project-api.ts'

export interface ProjectNode {
  client: ApiClient
  store: LocalBlobStore
  blobs: CreatorComponents['blobs']
  requests: string[]
  stop(): Promise<void>
}


/** `publish` stands in for the remote store (Walrus); leave it out for a peer-to-peer node. */
export async function startProjectNode(publish?: (ids: string[]) => Promise<Map<string, RemoteRef> | undefined>): Promise<ProjectNode> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-project-node-'))
  const store = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
  await store.start()
  const blobs = {
    put: (source, options) => store.put(source, options),
    stat: (id) => store.stat(id),
    get: (id, options) => store.get(id, options),
    fetchToPath: async (id) => store.pathOf(id),
    publish: async (ids) => publish?.(ids)
  } as CreatorComponents['blobs']
  const api = new ApiServer({ token: 'ab'.repeat(32), port: 0, metrics: new MetricsRegistry(), logger: silentLogger })
  const requests: string[] = []
  const route = api.route.bind(api)
  api.route = (method, path, handler) => route(method, path, (req, res) => {
    requests.push(`${method} ${req.path}`)
    return handler(req, res)
  })
  api.route('POST', '/api/blobs', (req) => store.put(req.raw))
  registerProjectApi({ api, blobs, logger: silentLogger })
  await api.start()
  return {
    client: new ApiClient(api.url, 'ab'.repeat(32)),
    store,
    blobs,
    requests,
    async stop() {
      await api.stop()
      await store.stop?.()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
