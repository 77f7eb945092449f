// An embedded Walrus publisher + aggregator for tests, testnets and
// `pictor walrus-dev`: the public surface of node/walrus-dev/.
export { DEFAULT_MAX_BODY_BYTES, startWalrusDevServer, type WalrusDevServer, type WalrusDevServerInit } from './server.ts'
export { type AggregatorFault, type FaultSettings, FaultSettingsError, type PublisherFault, WalrusFaults } from './faults.ts'
export { MAX_EPOCHS_AHEAD } from './publisher.ts'
