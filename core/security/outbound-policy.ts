import { ConfigError } from '../sdk/errors';
import { compileAllowList, parseAllowList, type AllowList, type ResolvedAddress } from './ssrf';

/**
 * What the hub's outbound door may reach beyond the public internet, for this process:
 * - `HUB_ALLOW_PRIVATE_HOSTS` (on-premise systems): host names and CIDR ranges, given at start-up through
 *   `configureOutbound` (or read from the environment on first use when nothing configured it);
 * - the local sandboxes this process started (`registerSandboxOrigin`, called by the sandbox kit when a sandbox
 *   server listens, withdrawn when it closes). The allowance is an exact origin (`http://127.0.0.1:<port>`) held in
 *   memory: nothing a user saves in a connection can add to it, and the hub's own port is never in it.
 * A DNS resolver can be replaced for tests (a name that resolves to a private address, without real DNS).
 */

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

interface State {
  allow: AllowList | undefined;
  resolver: Resolver | undefined;
}

const state: State = { allow: undefined, resolver: undefined };
const listeners: (() => void)[] = [];

/** Called when the allowances change, so pooled connections opened under the old ones are dropped. */
export function onOutboundChange(listener: () => void): void {
  listeners.push(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}
const sandboxes = new Map<string, number>();

function compile(entries: readonly string[], variable: string): AllowList {
  try {
    return compileAllowList(parseAllowList(entries.join(',')));
  } catch (error) {
    throw new ConfigError(`${variable}: ${(error as Error).message}`, { field: variable });
  }
}

export interface OutboundConfig {
  /** Parsed HUB_ALLOW_PRIVATE_HOSTS entries (host names, IP addresses, CIDR ranges). */
  allowPrivateHosts?: readonly string[];
  /** Replaces DNS for the door (tests). */
  resolver?: Resolver;
}

/** Sets this process's outbound allowances; a bad CIDR throws a ConfigError naming HUB_ALLOW_PRIVATE_HOSTS. */
export function configureOutbound(config: OutboundConfig): void {
  if (config.allowPrivateHosts !== undefined)
    state.allow = compile(config.allowPrivateHosts, 'HUB_ALLOW_PRIVATE_HOSTS');
  if (config.resolver !== undefined) state.resolver = config.resolver;
  changed();
}

/** Back to nothing configured (tests). */
export function resetOutbound(): void {
  state.allow = undefined;
  state.resolver = undefined;
  changed();
}

/** The allow-list in force: configured, else HUB_ALLOW_PRIVATE_HOSTS from the environment. */
export function outboundAllowList(): AllowList {
  if (state.allow === undefined)
    state.allow = compile(
      (process.env.HUB_ALLOW_PRIVATE_HOSTS ?? '').split(',').filter((e) => e.trim() !== ''),
      'HUB_ALLOW_PRIVATE_HOSTS',
    );
  return state.allow;
}

export function outboundResolver(): Resolver | undefined {
  return state.resolver;
}

/** Allows a local sandbox this process started; returns the function that withdraws the allowance. */
export function registerSandboxOrigin(url: string): () => void {
  const origin = new URL(url).origin;
  sandboxes.set(origin, (sandboxes.get(origin) ?? 0) + 1);
  let withdrawn = false;
  return () => {
    if (withdrawn) return;
    withdrawn = true;
    changed();
    const left = (sandboxes.get(origin) ?? 1) - 1;
    if (left <= 0) sandboxes.delete(origin);
    else sandboxes.set(origin, left);
  };
}

/** Whether `url` is on a sandbox origin this process started (exact scheme, host and port). */
export function isSandboxOrigin(url: URL): boolean {
  return sandboxes.has(url.origin);
}
