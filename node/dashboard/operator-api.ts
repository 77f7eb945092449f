// The node-wide routes behind the operator pages ("This node" and "Farm"):
// this node's earnings from the ledger and the farm list of other nodes.
// The node registers them once, beside the dashboard's own routes.
import type { ApiServer } from '../api/server.ts'
import type { Ledger } from '../ledger/index.ts'
import { registerEarningsApi } from './earnings-api.ts'
import { FarmFile } from './farm.ts'
import { registerFarmApi } from './farm-api.ts'

/** The parts of a NodeContext these routes use. */
export interface OperatorApiContext {
  api: Pick<ApiServer, 'route'>
  ledger?: Pick<Ledger, 'events' | 'address'>
  dataDir: { paths: { root: string } }
  now(): number
}

/** `startedAt`: when the node started (ms), where its earnings per hour count from. */
export function registerOperatorApi(ctx: OperatorApiContext, startedAt: number): void {
  registerEarningsApi({ api: ctx.api, ledger: ctx.ledger, startedAt, now: ctx.now })
  registerFarmApi({ api: ctx.api, file: new FarmFile(ctx.dataDir.paths.root), now: ctx.now })
}
