/**
 * Redaction of secrets in text that came from outside the hub (vendor error bodies, connector messages) and of
 * everything the hub writes out (log lines, API and CLI output). A secret is found in every form a vendor or a
 * library is likely to echo it in:
 *
 * - raw, JSON-escaped, URL-encoded (`%XX` in either case, and form encoding with `+` for spaces);
 * - base64 and base64url, alone or inside a longer encoded value such as `Basic base64(user:secret)` with any
 *   user: the run of base64 characters that holds it is replaced whole;
 * - and, at the boundaries where vendor text enters the hub (`redactVendorText`), the values of credential-like
 *   headers echoed back in a body (`Authorization`, `Cookie`, `X-Api-Key`, …) are masked whatever they hold.
 *
 * Written here rather than taken from a library: the log redaction libraries (pino's `redact`, fast-redact) mask
 * values by key path only; none searches free text for a set of known values in their encoded forms.
 */

export const SECRET_MASK = '[secret]';
export const HEADER_MASK = '[redacted]';

/** Shortest value treated as a secret (shorter ones would mask ordinary words). */
const MIN_SECRET_LENGTH = 4;
/** A base64 core shorter than this is too common to search for; such secrets are found by decoding instead. */
const MIN_CORE_LENGTH = 6;

interface SecretForms {
  /** Literal forms, longest first. */
  literals: string[];
  /** Substrings of the base64/base64url encodings that do not depend on what precedes or follows the secret. */
  cores: string[];
  /** True when a core was too short: base64 runs are decoded and searched for the raw value. */
  decode: boolean;
}

const registry = new Map<string, SecretForms>();

function urlForms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  const lower = encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  const form = encoded.replace(/%20/g, '+');
  const strict = encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [encoded, lower, form, strict];
}

const toUrlAlphabet = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * The part of base64(prefix + value + suffix) that depends only on `value`, for a prefix of `shift` bytes (mod 3):
 * the first group mixes prefix bytes (skipped when shift > 0) and the last partial group mixes suffix bytes.
 */
function base64Core(value: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
  const start = shift === 0 ? 0 : 4;
  const total = shift + value.length;
  const end = total % 3 === 0 ? encoded.length : encoded.length - 4;
  return end > start ? encoded.slice(start, end) : '';
}

function formsOf(secret: string): SecretForms {
  const json = JSON.stringify(secret).slice(1, -1);
  const jsonAscii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = bytes.toString('base64');
  const literals = new Set([
    secret,
    json,
    jsonAscii,
    ...urlForms(secret),
    b64,
    b64.replace(/=+$/, ''),
    toUrlAlphabet(b64),
  ]);
  const cores = new Set<string>();
  let decode = false;
  for (const shift of [0, 1, 2]) {
    const core = base64Core(bytes, shift);
    if (core.length < MIN_CORE_LENGTH) decode = true;
    else {
      cores.add(core);
      cores.add(toUrlAlphabet(core));
    }
  }
  return { literals: [...literals].sort((a, b) => b.length - a.length), cores: [...cores], decode };
}

/** Remembers a secret value (a string, or every string inside an object) for every later redaction. */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH && !registry.has(value)) registry.set(value, formsOf(value));
    return;
  }
  if (Array.isArray(value)) for (const item of value) registerSecret(item);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) registerSecret(item);
}

/** Runs of base64/base64url characters (with their padding) long enough to hold an encoded credential. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

function decodesToSecret(run: string, secrets: readonly string[]): boolean {
  const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  const text = Buffer.from(decoded, 'latin1').toString('utf8');
  return secrets.some((s) => text.includes(s) || decoded.includes(s));
}

function redactWith(text: string, all: readonly SecretForms[], raw: readonly string[]): string {
  // encoded runs first, whole: a literal pass first would leave the head of `base64(user:secret)` behind
  const cores = all.flatMap((f) => f.cores.filter((core) => text.includes(core)));
  const decodable = raw.filter((_s, i) => all[i].decode);
  let out = text;
  if (cores.length > 0 || decodable.length > 0) {
    out = out.replace(BASE64_RUN, (run) =>
      cores.some((core) => run.includes(core)) || (decodable.length > 0 && decodesToSecret(run, decodable))
        ? SECRET_MASK
        : run,
    );
  }
  for (const forms of all) {
    for (const literal of forms.literals) if (out.includes(literal)) out = out.split(literal).join(SECRET_MASK);
  }
  return out;
}

/**
 * Replaces every registered secret, and each of `extra` (a connection's own secrets), in all the forms above.
 * Use on anything the hub writes out; `redactVendorText` on text that came from a vendor.
 */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  if (text.length === 0) return text;
  const raw = [...registry.keys()];
  const all = [...registry.values()];
  for (const value of extra) {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && !registry.has(value)) {
      raw.push(value);
      all.push(formsOf(value));
    }
  }
  if (all.length === 0) return text;
  return redactWith(text, all, raw);
}

/** Header names whose values are credentials, wherever an echoed request shows them. */
const CREDENTIAL_HEADERS = [
  'proxy-authorization',
  'authorization',
  'set-cookie',
  'cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
];

/**
 * `Authorization: Basic …`, `"authorization":"Bearer …"`, `\"Cookie\": \"…\"`, `x-api-key=…`: the name, an
 * optional quote (JSON-escaped or not), `:` or `=`, and the value up to the end of the quoted string or line.
 */
const HEADER_VALUE = new RegExp(
  `(\\b(?:${CREDENTIAL_HEADERS.join('|')})(?:\\\\?["'])?\\s*[:=]\\s*(?:\\\\?["'])?)([^"'\\\\\\r\\n}]+)`,
  'gi',
);

const ALREADY_MASKED = new Set(['', HEADER_MASK, SECRET_MASK]);

/** Masks the values of credential-like headers echoed in a text. */
export function maskCredentialHeaders(text: string): string {
  return text.replace(HEADER_VALUE, (_match, head: string, value: string) =>
    ALREADY_MASKED.has(value.trim()) ? `${head}${value}` : `${head}${HEADER_MASK}`,
  );
}

/**
 * Text from a vendor or a connector, made safe to store, log or show: credential headers masked, then every
 * known secret (and `extra`, the connection's own) redacted in its derived forms.
 */
export function redactVendorText(text: string, extra: readonly string[] = []): string {
  return redactSecrets(maskCredentialHeaders(text), extra);
}

/** A copy of a JSON-like value with every string in it passed through `redactVendorText`. */
export function redactVendorValue<T>(value: T, extra: readonly string[] = []): T {
  if (typeof value === 'string') return redactVendorText(value, extra) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactVendorValue(item, extra)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactVendorValue(v, extra)])) as T;
  }
  return value;
}
