// The node's metrics: one registry per node, passed to every service that
// counts something, rendered by the API's /metrics route.
export { MetricsRegistry } from './registry.ts'
