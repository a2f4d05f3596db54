/** Metrics (Prometheus, prom-client) and HTTP observability (request durations, access log). */
export {
  createHubMetrics,
  METRIC_NAMES,
  type CollectErrorHandler,
  type HttpSample,
  type HubMetrics,
  type HubMetricsOptions,
} from './metrics';
export {
  httpObservability,
  metricsHandler,
  routePattern,
  UNMATCHED_ROUTE,
  type HttpObservabilityOptions,
} from './http';
export { NOOP_RUNNER_METRICS, type RunnerMetrics } from '../runner/metrics-port';
