/** The sandbox kit: what every `connectors/<name>/sandbox.ts` is built from. */
export { startSandboxServer } from './server';
export type {
  SandboxHandler,
  SandboxLogEntry,
  SandboxReply,
  SandboxRequest,
  SandboxRoute,
  SandboxServer,
  SandboxServerOptions,
} from './server';
export { ConcurrencyGauge, RollingWindow, latencyFor, type LatencyModel } from './limits';
export { messyContacts, seededRandom } from './seed';
export type { SeedContact } from './seed';
export type { ConnectorSandbox, SandboxOptions } from './types';
