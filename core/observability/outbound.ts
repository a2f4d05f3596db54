import { Counter, Registry } from 'prom-client';

/**
 * Requests made through the hub's outbound door, by connector and status (an HTTP status code, `refused` when the
 * door refused the target, `error` when no answer came, `timeout`). The door is per process, so is this counter:
 * in a registry of its own that every hub's /metrics merges in. Labels are connector ids and codes, never URLs.
 */
export const OUTBOUND_METRIC = 'hub_outbound_requests_total';

let registry: Registry | undefined;
let counter: Counter<'connector' | 'status'> | undefined;

export function outboundRegistry(): Registry {
  if (registry === undefined) {
    registry = new Registry();
    counter = new Counter({
      name: OUTBOUND_METRIC,
      help: 'Outbound HTTP requests made by connectors through the hub, by connector and status',
      labelNames: ['connector', 'status'],
      registers: [registry],
    });
  }
  return registry;
}

export function countOutboundRequest(connector: string, status: string): void {
  outboundRegistry();
  counter?.inc({ connector, status });
}
