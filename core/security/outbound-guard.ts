import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import {
  isSandboxOrigin,
  onOutboundChange,
  outboundAllowList,
  outboundResolver,
  type Resolver,
} from './outbound-policy';
import {
  addressAllowed,
  bareHost,
  hostAllowed,
  localNameReason,
  nonPublicReason,
  SsrfError,
  type AllowList,
  type ResolvedAddress,
} from './ssrf';

/**
 * The checks of the outbound door, in the two places they must happen:
 * - `vetTarget` (no DNS): before each hop — protocol, user info, names that always mean this machine, literal
 *   addresses in any spelling (the WHATWG URL parser turns 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 into
 *   127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1], before the check);
 * - `checkedLookup`: when the socket is opened — the name is resolved and every answer checked, and the socket
 *   connects to the address that was checked (there is no second lookup, so no DNS-rebinding window). Node skips
 *   `lookup` for a literal address, which `vetTarget` (and the guarded agents' `createConnection`) covers.
 */

const ALLOW_FIX = 'add the host to HUB_ALLOW_PRIVATE_HOSTS if this on-premise system is intended';

/** Whether the allow-list (or the sandbox registry) lets this target through as it is. */
function allowedTarget(url: URL, allow: AllowList): boolean {
  if (isSandboxOrigin(url)) return true;
  const host = bareHost(url);
  if (hostAllowed(host, allow.hosts)) return true;
  return net.isIP(host) !== 0 && addressAllowed(host, allow.cidrs);
}

/**
 * Checks one hop without DNS; throws SsrfError (a ConfigError naming `field`) when it may not be requested.
 * https only; http only for hosts allow-listed by HUB_ALLOW_PRIVATE_HOSTS or the local sandboxes the hub started.
 */
export function vetTarget(input: string | URL, field = 'url', allow: AllowList = outboundAllowList()): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SsrfError('invalid_url', `${field} is not a valid URL`, field);
  }
  const allowed = allowedTarget(url, allow);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
    const scheme = url.protocol.replace(/:$/, '');
    throw new SsrfError(
      'protocol',
      scheme === 'http'
        ? `${field} must be an https:// URL (plain http only for hosts in HUB_ALLOW_PRIVATE_HOSTS)`
        : `${field} must be an https:// URL, not ${scheme}:`,
      field,
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new SsrfError('invalid_url', `${field} must not carry a user name or password`, field);
  const host = bareHost(url);
  if (host === '') throw new SsrfError('invalid_url', `${field} has no host`, field);
  if (allowed) return url;
  const named = localNameReason(host);
  if (named !== undefined) throw new SsrfError('private_address', `${field}: ${host} is ${named}; ${ALLOW_FIX}`, field);
  if (net.isIP(host) !== 0) {
    const reason = nonPublicReason(host);
    if (reason !== undefined)
      throw new SsrfError(
        'private_address',
        `${field}: ${host} is a non-public address (${reason}); ${ALLOW_FIX}`,
        field,
      );
  }
  return url;
}

async function systemResolver(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dns.promises.lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** Resolves `hostname` and refuses it when any answer is not public (unless allow-listed). */
export async function resolveChecked(
  hostname: string,
  allow: AllowList = outboundAllowList(),
  resolver: Resolver = outboundResolver() ?? systemResolver,
): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const literal = net.isIP(host);
  const addresses: ResolvedAddress[] =
    literal !== 0 ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await resolver(host);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} resolved to no address`), { code: 'ENOTFOUND' });
  if (hostAllowed(host, allow.hosts)) return addresses;
  const named = literal === 0 ? localNameReason(host) : undefined;
  if (named !== undefined) throw new SsrfError('private_address', `${host} is ${named}; ${ALLOW_FIX}`);
  for (const { address } of addresses) {
    const reason = nonPublicReason(address);
    if (reason !== undefined && !addressAllowed(address, allow.cidrs))
      throw new SsrfError('private_address', `${host} resolves to a non-public address (${reason}); ${ALLOW_FIX}`);
  }
  return addresses;
}

/** A `lookup` for node:net/http/tls that answers only with checked addresses. */
export const checkedLookup: LookupFunction = (hostname, options, callback) => {
  resolveChecked(hostname).then(
    (addresses) => {
      const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
      const usable = addresses.filter((a) => wanted === undefined || a.family === wanted);
      if (options.all) {
        callback(
          null,
          usable.map((a) => ({ address: a.address, family: a.family })),
        );
        return;
      }
      const chosen = usable[0] ?? addresses[0]!;
      callback(null, chosen.address, chosen.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};

type CreateConnection = (
  options: net.NetConnectOpts & { host?: string; port?: number },
  callback: (error: Error | null, socket?: net.Socket) => void,
) => net.Socket | undefined;

function guard<A extends http.Agent>(agent: A, protocol: 'http:' | 'https:'): A {
  const target = agent as unknown as { createConnection: CreateConnection };
  const create = target.createConnection.bind(agent);
  target.createConnection = (options, callback) => {
    try {
      const host = options.host ?? 'localhost';
      vetTarget(`${protocol}//${net.isIP(host) === 6 ? `[${host}]` : host}:${options.port ?? ''}/`);
    } catch (error) {
      process.nextTick(() => callback(error as Error));
      return undefined;
    }
    return create(options, callback);
  };
  return agent;
}

let agents: { 'http:': http.Agent; 'https:': https.Agent } | undefined;

// pooled sockets were checked under the allowances of their day: new allowances start with empty pools
// (requests in flight finish on the old agents, whose sockets are then closed rather than pooled)
function retire(agent: http.Agent): void {
  (agent as unknown as { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}

onOutboundChange(() => {
  if (agents === undefined) return;
  retire(agents['http:']);
  retire(agents['https:']);
  agents = undefined;
});

/**
 * Keep-alive agents whose every new connection is checked (target before connecting, addresses at lookup), for
 * the door and for SDKs that accept an agent. A pooled socket was checked when it was opened.
 */
export function guardedAgent(protocol: 'http:' | 'https:'): http.Agent {
  agents ??= {
    'http:': guard(new http.Agent({ keepAlive: true, lookup: checkedLookup }), 'http:'),
    'https:': guard(new https.Agent({ keepAlive: true, lookup: checkedLookup }), 'https:'),
  };
  return agents[protocol];
}

const URL_KEY = /(url|uri|endpoint)$/i;

/** Whether a settings property holds a URL the connector will call: by its schema format, or by its name. */
function isUrlProperty(key: string, schema: unknown): boolean {
  const format = typeof schema === 'object' && schema !== null ? (schema as { format?: unknown }).format : undefined;
  return format === 'uri' || format === 'url' || URL_KEY.test(key);
}

/**
 * Refuses, when a connection is saved, a URL setting the outbound door would refuse (file:, gopher:, plain http to
 * a host that is not allow-listed, loopback or private literals, localhost…), with a message naming the field.
 * No DNS here: a name is checked on every address it resolves to when a request is made.
 */
export function assertOutboundUrlAllowed(settings: Record<string, unknown>, settingsSchema: unknown): void {
  const properties =
    typeof settingsSchema === 'object' && settingsSchema !== null
      ? ((settingsSchema as { properties?: Record<string, unknown> }).properties ?? {})
      : {};
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'string' || value === '' || !isUrlProperty(key, properties[key])) continue;
    vetTarget(value, `settings.${key}`);
  }
}
