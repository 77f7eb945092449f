// Sui implementation of the Ledger interface (../types.ts); see
// ./sui-ledger.ts, and contracts/README.md for publishing the package.

export { type Bytes32, type LedgerCall, transactionFor, type U64 } from './calls.ts'
export { parseSuiLedgerConfig, SUI_NETWORKS, type SuiLedgerConfig, type SuiNetwork } from './config.ts'
export * as contracts from './contracts.ts'
export { abortName, errorFromExecution, errorFromTransport, MOVE_ABORT_CODES, type MoveAbortName } from './errors.ts'
export { decodeEvents, type RegistryCreated, type SuiEventBody, toLedgerBody } from './events.ts'
export type { RegistryFields } from './state.ts'
export { type CursorStore, type FollowHandler, type FollowOptions, SuiEventFollower, type SuiEventSource } from './follower.ts'
export { SuiLedger, type SuiLedgerInit, type SuiTransport, type SuiTxReceipt } from './sui-ledger.ts'
