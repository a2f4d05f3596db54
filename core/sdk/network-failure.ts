import net from 'node:net';
import tls from 'node:tls';
import { checkedLookup, vetTarget } from '../security/outbound-guard';
import { ConfigError, RetryableError, type HubError } from './errors';

/**
 * What a request that got no answer means, for the outbound door: the socket error is read wherever it sits in the
 * cause chain (node:http throws it as is; undici wraps it as `TypeError: fetch failed` with the code on `cause`; a
 * connection tried on several addresses is an AggregateError of one error per address). What `safeFetch` throws,
 * as the tests see it on Node 24: DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * ERR_TLS_CERT_ALTNAME_INVALID (carrying the certificate), EPROTO "wrong version number" from a plain-http server,
 * ENOTFOUND (with `hostname`), EAI_AGAIN, ECONNREFUSED — each the socket's own error, no wrapper.
 * - a certificate the hub cannot trust, or a server that does not speak TLS on the port, does not heal in seconds:
 *   a ConfigError naming the host, the reason in plain words and the fix (the run stops at once);
 * - a host name that does not exist (ENOTFOUND): a ConfigError at once when the name never answered in this
 *   process — almost always a typo in a URL setting, and five minutes of retries would only delay saying so; a
 *   RetryableError when the name answered before (a DNS outage, a VPN down: it heals) and the runner's normal
 *   retries apply. A scheduled flow whose run stopped on a first-time lookup is retried by its next run anyway;
 * - anything else (EAI_AGAIN, refused, reset, unreachable, a timeout): a RetryableError.
 */

/** Every error in the chain of `error`: itself, its `cause` (and theirs), the members of an AggregateError. */
export function errorChain(error: unknown): object[] {
  const found: object[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 32) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || found.includes(next)) continue;
    found.push(next);
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return found;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The certificate verification failures (OpenSSL's codes, as Node reports them), in plain words. */
const CERTIFICATE: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'is issued by a self-signed authority the hub does not trust (a private CA, or a proxy)',
  UNABLE_TO_GET_ISSUER_CERT: 'is issued by an authority the hub does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is issued by an authority the hub does not know',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'cannot be traced to an authority the hub trusts (the server may not send its intermediate certificate)',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: "is not valid yet (or this machine's clock is wrong)",
  CERT_REVOKED: 'was revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'is for another host name',
  HOSTNAME_MISMATCH: 'is for another host name',
  CERT_SIGNATURE_FAILURE: 'has an invalid signature',
  CERT_CHAIN_TOO_LONG: 'could not be verified (its chain is too long)',
  CERT_UNTRUSTED: 'is not trusted',
  CERT_REJECTED: 'was rejected',
  INVALID_CA: 'is issued by a certificate that is not a valid authority',
  INVALID_PURPOSE: 'is not meant for a web server',
  PATH_LENGTH_EXCEEDED: 'could not be verified (its chain is too long)',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'has a signature that cannot be read',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'has an issuer whose key cannot be read',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'has an invalid start date',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'has an invalid expiry date',
};

/** Handshakes that fail the same way every time: no TLS version or cipher in common. */
const HANDSHAKE = new Set([
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_SHARED_CIPHER',
]);
const HANDSHAKE_TEXT = /alert handshake failure|alert protocol version|unsupported protocol|no protocols available/i;
/** A plain-http server on the port (OpenSSL reads its answer as a TLS record of a wrong version). */
const NOT_TLS_TEXT = /wrong version number|packet length too long|http request/i;

export type NetworkFailure =
  | { kind: 'certificate'; code: string; words: string; names?: string[] }
  | { kind: 'not_tls'; code: string }
  | { kind: 'handshake'; code: string }
  | { kind: 'not_found'; code: string; host?: string }
  | { kind: 'other'; code?: string };

/** What a connection failure means, from the codes (and OpenSSL's words) anywhere in its chain. */
export function classifyNetworkFailure(error: unknown): NetworkFailure {
  const chain = errorChain(error);
  let first: string | undefined;
  for (const item of chain) {
    const { code, message, hostname, cert } = item as {
      code?: unknown;
      message?: unknown;
      hostname?: unknown;
      cert?: { subjectaltname?: unknown };
    };
    const c = text(code);
    if (c === undefined) continue;
    first ??= c;
    const words = CERTIFICATE[c];
    if (words !== undefined) {
      const names = text(cert?.subjectaltname)
        ?.split(', ')
        .map((n) => n.replace(/^(DNS|IP Address):/, ''));
      return { kind: 'certificate', code: c, words, ...(names === undefined ? {} : { names }) };
    }
    const said = text(message) ?? '';
    if (c === 'ERR_SSL_WRONG_VERSION_NUMBER' || (c === 'EPROTO' && NOT_TLS_TEXT.test(said)))
      return { kind: 'not_tls', code: c };
    if (HANDSHAKE.has(c) || (c === 'EPROTO' && HANDSHAKE_TEXT.test(said))) return { kind: 'handshake', code: c };
    if (c === 'ENOTFOUND' || c === 'ENODATA')
      return { kind: 'not_found', code: c, ...(text(hostname) === undefined ? {} : { host: text(hostname) }) };
  }
  return first === undefined ? { kind: 'other' } : { kind: 'other', code: first };
}

// names that answered in this process (bounded: a hub calls a handful of hosts; cleared when it would overflow)
const answered = new Set<string>();

/** Records that `host` answered a request, so that a later "not found" is read as a DNS outage, not a typo. */
export function rememberAnswered(host: string): void {
  if (answered.size >= 10_000) answered.clear();
  answered.add(host.toLowerCase());
}

/** Forgets the names that answered (tests). */
export function forgetAnswered(): void {
  answered.clear();
}

/**
 * The certificate the server presents, to say when it expired: a TLS handshake to the same checked target, with
 * verification off only to read the certificate, and nothing sent after it. Undefined when it cannot be read.
 */
function presentedCertificate(url: URL, timeoutMs: number): Promise<tls.PeerCertificate | undefined> {
  try {
    vetTarget(url);
  } catch {
    return Promise.resolve(undefined);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: url.port === '' ? 443 : Number(url.port),
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
      lookup: checkedLookup,
      rejectUnauthorized: false,
    });
    const done = (certificate?: tls.PeerCertificate) => {
      socket.destroy();
      resolve(certificate !== undefined && text(certificate.valid_to) !== undefined ? certificate : undefined);
    };
    socket.setTimeout(timeoutMs, () => done());
    socket.once('secureConnect', () => done(socket.getPeerCertificate()));
    socket.once('error', () => done());
  });
}

const day = (date: string): string | undefined => {
  const time = Date.parse(date);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
};

export interface FailureContext {
  /** Connector id, the start of the message. */
  connector: string;
  /** The URL requested. */
  url: URL;
  /** The setting the URL came from, when the connector said (e.g. `url`, `baseUrl`). */
  field?: string;
  /** Bound for reading the certificate's dates. */
  timeoutMs: number;
}

/** The typed error for a connection failure that is not a timeout, by what it means (see the file comment). */
export async function networkFailureError(error: unknown, context: FailureContext): Promise<HubError> {
  const { connector, url, field } = context;
  const failure = classifyNetworkFailure(error);
  const setting = field === undefined ? 'the URL setting' : `the URL setting (${field})`;
  const options = { cause: error, ...(field === undefined ? {} : { field }) };
  switch (failure.kind) {
    case 'certificate': {
      let words = failure.words;
      if (failure.code === 'CERT_HAS_EXPIRED' || failure.code === 'CERT_NOT_YET_VALID') {
        const certificate = await presentedCertificate(url, Math.min(context.timeoutMs, 5_000));
        const expired = certificate === undefined ? undefined : day(certificate.valid_to);
        const starts = certificate === undefined ? undefined : day(certificate.valid_from);
        if (failure.code === 'CERT_HAS_EXPIRED' && expired !== undefined && Date.parse(expired) < Date.now())
          words = `expired on ${expired}`;
        if (failure.code === 'CERT_NOT_YET_VALID' && starts !== undefined)
          words = `is valid only from ${starts} (or this machine's clock is wrong)`;
      }
      if (failure.names !== undefined && failure.names.length > 0)
        words = `is for ${failure.names.slice(0, 3).join(', ')}${failure.names.length > 3 ? '…' : ''}, not ${url.hostname}`;
      const trust = /authority|self-signed/.test(failure.words)
        ? '; a private CA is trusted by starting the hub with NODE_EXTRA_CA_CERTS=<its PEM file>'
        : '';
      return new ConfigError(
        `${connector}: the TLS certificate of ${url.host} ${words}: fix the server's certificate, or ${setting} if it points to the wrong server${trust}`,
        options,
      );
    }
    case 'not_tls':
      return new ConfigError(
        `${connector}: ${url.host} does not speak TLS (https) on this port: check ${setting} (the port, or whether the server serves https at all)`,
        options,
      );
    case 'handshake':
      return new ConfigError(
        `${connector}: the TLS handshake with ${url.host} failed (${failure.code}): the server offers no TLS version or cipher the hub accepts; fix the server or ${setting}`,
        options,
      );
    case 'not_found': {
      const host = failure.host ?? url.hostname;
      if (answered.has(host.toLowerCase()))
        return new RetryableError(
          `${connector}: host ${host} not found (${failure.code}), though it answered before: a DNS failure (if it lasts, check the DNS server, the VPN, or ${setting})`,
          { cause: error },
        );
      return new ConfigError(`${connector}: host ${host} not found: check ${setting}`, options);
    }
    case 'other':
      return new RetryableError(
        `${connector}: could not connect${failure.code === undefined ? '' : ` (${failure.code})`} to ${url.host}`,
        { cause: error },
      );
  }
}
