import { registerSecretValue } from '../logging/logger';
import { ConfigError } from '../sdk/errors';
import { isEnvelope, type Vault } from './vault';

/**
 * Secret fields of connection settings. A connector marks a settings property secret with `"x-secret": true`
 * (the SDK's `Secret()`); its value is stored as a vault envelope, shown as REDACTED, and decrypted only when the
 * runner needs it. Paths are dotted property names (`oauth.clientSecret`); secrets inside arrays are not supported.
 */

export const REDACTED = '[secret]';

export type Settings = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(schema: unknown, marker: string, prefix: string, out: Set<string>): void {
  if (!isObject(schema)) return;
  if (schema[marker] === true && prefix !== '') out.add(prefix);
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      collect(sub, marker, prefix ? `${prefix}.${name}` : name, out);
    }
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) for (const sub of list) collect(sub, marker, prefix, out);
  }
  for (const keyword of ['then', 'else']) collect(schema[keyword], marker, prefix, out);
}

/** Paths of every property marked `"x-secret": true` in a settings JSON Schema (nested objects included). */
export function secretPaths(jsonSchema: unknown): string[] {
  const out = new Set<string>();
  collect(jsonSchema, 'x-secret', '', out);
  return [...out].sort();
}

/**
 * Paths of every property marked `"x-endpoint": true` (the SDK's `Endpoint()`): the settings that decide where the
 * connection's secrets are sent (base URL, region, data centre).
 */
export function endpointPaths(jsonSchema: unknown): string[] {
  const out = new Set<string>();
  collect(jsonSchema, 'x-endpoint', '', out);
  return [...out].sort();
}

/** Every string held by the secret fields of clear settings (for redacting a connection's own secrets). */
export function secretValues(settings: Settings, paths: readonly string[]): string[] {
  const values: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  for (const path of paths) visit(getAt(settings, path));
  return values;
}

/** The value at a dot path of a settings object (undefined when a step is missing). */
export function getAt(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** Replaces the value at a dot path when every parent object exists. */
export function setAt(value: Settings, path: string, replacement: unknown): void {
  const segments = path.split('.');
  let current: Record<string, unknown> = value;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (!isObject(next)) return;
    current = next;
  }
  current[segments[segments.length - 1]] = replacement;
}

/** Removes the property at a dot path when every parent object exists. */
export function deleteAt(value: Settings, path: string): void {
  const segments = path.split('.');
  let current: Record<string, unknown> = value;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (!isObject(next)) return;
    current = next;
  }
  delete current[segments[segments.length - 1]];
}

/** A copy of `settings` with the value at each path (when present) replaced by REDACTED. */
export function redact(settings: Settings, paths: readonly string[]): Settings {
  const copy = structuredClone(settings);
  for (const path of paths) if (getAt(copy, path) !== undefined) setAt(copy, path, REDACTED);
  return copy;
}

/** Calls `fn` for every envelope inside a stored settings document and returns a copy with its replacements. */
export function mapEnvelopes(stored: Settings, fn: (envelope: string, path: string) => unknown): Settings {
  const visit = (value: unknown, path: string): unknown => {
    if (isEnvelope(value)) return fn(value, path);
    if (Array.isArray(value)) return value.map((item, index) => visit(item, `${path}.${index}`));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  return visit(stored, '') as Settings;
}

/** Every envelope inside a stored settings document, with its path. */
export function listEnvelopes(stored: Settings): Array<{ path: string; envelope: string }> {
  const found: Array<{ path: string; envelope: string }> = [];
  mapEnvelopes(stored, (envelope, path) => found.push({ path, envelope }));
  return found;
}

/** The stored form shown to people: every envelope becomes REDACTED. */
export function redactEnvelopes(stored: Settings): Settings {
  return mapEnvelopes(stored, () => REDACTED);
}

/** Additional authenticated data of a secret field: binds the envelope to its owner and field path. */
export type AadFor = (path: string) => string;

/**
 * The stored form of `settings`: each secret path holds an envelope of the JSON of its value.
 * A secret given as REDACTED keeps the envelope stored in `previous` (a form sent back unchanged), so
 * editing one field of a connection does not require re-entering its secrets.
 */
export function encryptSecrets(
  settings: Settings,
  paths: readonly string[],
  vault: Vault,
  aadFor: AadFor,
  previous?: Settings,
): Settings {
  const secret = new Set(paths);
  mapEnvelopes(settings, (_envelope, path) => {
    if (!secret.has(path)) {
      throw new ConfigError(`settings field ${path} is not secret but holds an encrypted-looking value`, {
        field: path,
      });
    }
  });
  const stored = structuredClone(settings);
  for (const path of paths) {
    const value = getAt(stored, path);
    if (value === undefined) continue;
    if (value === REDACTED) {
      const kept = previous === undefined ? undefined : getAt(previous, path);
      if (!isEnvelope(kept)) {
        throw new ConfigError(`settings field ${path} is the placeholder ${REDACTED} but no secret is stored for it`, {
          field: path,
        });
      }
      setAt(stored, path, kept);
      continue;
    }
    registerSecretValue(value);
    setAt(stored, path, vault.encrypt(JSON.stringify(value), aadFor(path)));
  }
  return stored;
}

/** The clear form of stored settings (every envelope decrypted). Decrypted strings are registered for log scrubbing. */
export function decryptSecrets(stored: Settings, vault: Vault, aadFor: AadFor): Settings {
  return mapEnvelopes(stored, (envelope, path) => {
    const value: unknown = JSON.parse(vault.decrypt(envelope, aadFor(path)));
    registerSecretValue(value);
    return value;
  });
}
