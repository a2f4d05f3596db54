import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError, RetryableError } from '../sdk/errors';

/**
 * SSRF guard for URLs a user configures (a connection's base URL, a webhook target): only http(s), and only
 * addresses on the public internet, unless explicitly allowed (on-premise systems: HUB_ALLOW_PRIVATE_HOSTS).
 *
 * An address is public when ipaddr.js classifies it as plain `unicast`; every special range is refused:
 * private (RFC 1918), loopback, link-local (169.254/16, fe80::/10, cloud metadata), unique-local (fc00::/7),
 * carrier-grade NAT (100.64/10), multicast, broadcast, unspecified, reserved/documentation/benchmarking, and
 * IPv6 forms that embed an IPv4 address (::ffff:0:0/96 mapped, ::/96 compatible, 64:ff9b::/96 NAT64, 6to4,
 * Teredo). Numeric host spellings (http://0x7f000001, http://2130706433, http://0177.0.0.1) are normalised to
 * dotted IPv4 by the WHATWG URL parser before they are checked, and a name is checked on every address it
 * resolves to (one private answer refuses the URL).
 */

export interface SsrfOptions {
  /** Host names (exact, or `*.example.com` for subdomains) allowed whatever they resolve to. */
  allowHosts?: readonly string[];
  /** Address ranges (CIDR, e.g. 10.20.0.0/16, fd00::/8) allowed although not public. */
  allowCidrs?: readonly string[];
  /** DNS resolution, replaceable in tests; defaults to dns.promises.lookup(host, { all: true }). */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A URL that passed the guard, with the addresses it was checked on (connect to these, not to a new lookup). */
export interface VettedUrl {
  url: URL;
  addresses: ResolvedAddress[];
}

export type SsrfCode = 'invalid_url' | 'protocol' | 'private_address';

/** The URL is refused. A configuration error: it names the fix (allow-list the host) in its message. */
export class SsrfError extends ConfigError {
  readonly code: SsrfCode;
  constructor(code: SsrfCode, message: string, field = 'url') {
    super(message, { field });
    this.code = code;
  }
}

/**
 * Host names that always mean "this machine" or a cloud metadata service, whatever DNS says: refused by name
 * before any lookup (`localhost` and `*.localhost` by RFC 6761, the metadata names of the big clouds).
 */
const LOCAL_NAMES = [
  /^localhost\.?$/,
  /\.localhost\.?$/,
  /^metadata(\.google\.internal)?\.?$/,
  /^instance-data(\.ec2\.internal)?\.?$/,
];

/** Why a host name is refused by name alone, or undefined. */
export function localNameReason(host: string): string | undefined {
  return LOCAL_NAMES.some((pattern) => pattern.test(host.toLowerCase())) ? 'a local or metadata host name' : undefined;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an address is not public, or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return 'IPv4-mapped IPv6';
    if (v6.parts.slice(0, 6).every((part) => part === 0)) return 'IPv4-compatible IPv6';
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

export interface AllowList {
  hosts: string[];
  cidrs: [Address, number][];
}

export function compileAllowList(options: Pick<SsrfOptions, 'allowHosts' | 'allowCidrs'>): AllowList {
  const cidrs = (options.allowCidrs ?? []).map((cidr) => {
    try {
      return ipaddr.parseCIDR(cidr.trim());
    } catch {
      throw new ConfigError(`allow-list entry ${JSON.stringify(cidr)} is not a CIDR range (e.g. 10.0.0.0/8)`);
    }
  });
  return { hosts: (options.allowHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean), cidrs };
}

export function hostAllowed(hostname: string, hosts: readonly string[]): boolean {
  return hosts.some((h) => (h.startsWith('*.') ? hostname.endsWith(h.slice(1)) : hostname === h));
}

export function addressAllowed(address: string, cidrs: AllowList['cidrs']): boolean {
  const parsed = ipaddr.parse(address);
  return cidrs.some(([range, bits]) => {
    if (parsed.kind() === range.kind()) return parsed.match(range, bits);
    // an IPv4-mapped IPv6 address matches the IPv4 ranges it maps to
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
      return (parsed as ipaddr.IPv6).toIPv4Address().match(range, bits);
    return false;
  });
}

/**
 * Splits a comma-separated allow-list (HUB_ALLOW_PRIVATE_HOSTS=erp.local,10.20.0.0/16,192.168.1.5) into host
 * names and CIDR ranges; a bare IP address becomes a /32 (or /128).
 */
export function parseAllowList(value: string | undefined): Required<Pick<SsrfOptions, 'allowHosts' | 'allowCidrs'>> {
  const allowHosts: string[] = [];
  const allowCidrs: string[] = [];
  for (const entry of (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    if (entry.includes('/')) allowCidrs.push(entry);
    else if (net.isIP(entry) === 4) allowCidrs.push(`${entry}/32`);
    else if (net.isIP(entry) === 6) allowCidrs.push(`${entry}/128`);
    else allowHosts.push(entry);
  }
  return { allowHosts, allowCidrs };
}

async function defaultLookup(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dns.promises.lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** The URL's host without IPv6 brackets, lower-cased. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Checks `input` and resolves its host; throws SsrfError when the URL is not http(s) or any address it resolves
 * to is not public (and not allow-listed), RetryableError when DNS fails.
 */
export async function assertPublicUrl(input: string | URL, options: SsrfOptions = {}): Promise<VettedUrl> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SsrfError('invalid_url', 'the URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SsrfError('protocol', `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`);
  const host = bareHost(url);
  if (host === '') throw new SsrfError('invalid_url', 'the URL has no host');
  const allow = compileAllowList(options);
  const hostIsAllowed = hostAllowed(host, allow.hosts);
  const named = hostIsAllowed ? undefined : localNameReason(host);
  if (named !== undefined)
    throw new SsrfError(
      'private_address',
      `${host} is ${named}; add the host to HUB_ALLOW_PRIVATE_HOSTS if this on-premise system is intended`,
    );

  let addresses: ResolvedAddress[];
  const literal = net.isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (options.lookup ?? defaultLookup)(host);
    } catch (error) {
      throw new RetryableError(`could not resolve ${host}`, { cause: error });
    }
    if (addresses.length === 0) throw new RetryableError(`${host} resolved to no address`);
  }
  if (!hostIsAllowed) {
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason !== undefined && !addressAllowed(address, allow.cidrs)) {
        throw new SsrfError(
          'private_address',
          `${host} resolves to a non-public address (${reason}); add the host to HUB_ALLOW_PRIVATE_HOSTS if this on-premise system is intended`,
        );
      }
    }
  }
  return { url, addresses };
}
