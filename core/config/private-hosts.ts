import ipaddr from 'ipaddr.js';

/**
 * HUB_ALLOW_PRIVATE_HOSTS, parsed once at start-up: host names (`erp.internal`, `*.corp.example`), IP addresses
 * (a /32 or /128) and CIDR ranges (`10.20.0.0/16`). The outbound door (core/security) reads this list; a bad entry
 * stops start-up with the variable named, instead of failing at the first request.
 */
export interface PrivateHosts {
  /** Lower-case host names; `*.example.com` matches every sub-domain. */
  hosts: string[];
  /** Normalised CIDR ranges, e.g. `10.20.0.0/16`, `192.168.1.5/32`, `fd00::/8`. */
  cidrs: string[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS host name (RFC 1123 labels), optionally with a leading `*.` wildcard. */
export function isHostName(value: string): boolean {
  const name = value.toLowerCase().replace(/^\*\./, '');
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // an all-digit last label is a malformed IP address (999.1.1.1), not a host name
  if (/^\d+$/.test(labels[labels.length - 1])) return false;
  return labels.every((label) => LABEL.test(label));
}

/** An IP address written the usual way: four decimal parts (IPv4) or IPv6; not `10` or `0x0a000001`. */
export function isIpAddress(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value) || (value.includes(':') && ipaddr.IPv6.isValid(value));
}

/** Why one entry is not usable, or undefined. */
function entryProblem(entry: string): string | undefined {
  if (entry.includes('/')) {
    try {
      if (!isIpAddress(entry.slice(0, entry.indexOf('/')))) throw new Error('not an address');
      ipaddr.parseCIDR(entry);
      return undefined;
    } catch {
      return `"${entry}" is not a CIDR range (an IP address, "/", and a prefix length: 10.0.0.0/8, fd00::/8)`;
    }
  }
  if (isIpAddress(entry)) return undefined;
  if (isHostName(entry)) return undefined;
  return `"${entry}" is neither a host name, an IP address nor a CIDR range`;
}

/** Parses the entries; returns the problems (one per bad entry) instead of throwing, so all are reported at once. */
export function parsePrivateHosts(entries: readonly string[]): { value: PrivateHosts; problems: string[] } {
  const value: PrivateHosts = { hosts: [], cidrs: [] };
  const problems: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const problem = entryProblem(entry);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    if (entry.includes('/')) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      value.cidrs.push(`${range.toString()}/${bits}`);
    } else if (isIpAddress(entry)) {
      const address = ipaddr.parse(entry);
      value.cidrs.push(`${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`);
    } else value.hosts.push(entry.toLowerCase());
  }
  return { value, problems };
}
