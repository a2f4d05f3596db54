import type { SandboxServer } from './server';

/** Options every connector sandbox accepts (`connectors/<name>/sandbox.ts` → `startSandbox(options)`). */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** How many seeded messy contacts the sandbox starts with (0: empty). */
  seedContacts?: number;
  /** Seed of the deterministic generator, so two sandboxes can hold the same people. */
  seed?: number;
  /** Where the sandbox POSTs webhooks when its data changes (signed the way the vendor signs them). */
  webhookUrl?: string;
  /** Secret the sandbox signs webhooks with (HubSpot client secret, SendGrid private key, Mailchimp URL token). */
  webhookSecret?: string;
  /** Rate limits as the vendor enforces them; `false` turns them off (benchmarks of the engine alone). */
  enforceLimits?: boolean;
}

/** A running sandbox: a local stand-in for one vendor API. */
export interface ConnectorSandbox {
  /** Connector id the sandbox stands in for. */
  connector: string;
  /** Base URL, http://127.0.0.1:<port>. */
  url: string;
  /** Settings of a connection that talks to this sandbox (fake but valid credentials included). */
  settings: Record<string, unknown>;
  server: SandboxServer;
  close(): Promise<void>;
}
