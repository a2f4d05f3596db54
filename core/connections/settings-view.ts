import { getAt, secretPaths, type Settings } from '../security/secrets';

export type SecretState = 'set' | 'unset';

/**
 * Which secret fields of a connection hold a value, by dot path, from its connector's settings schema. What the CLI
 * (`hub connections show`) and the API (`GET /connections/{id}`) say about secrets: set or unset, never a value.
 */
export function secretStates(settings: Settings, settingsSchema: unknown): Record<string, SecretState> {
  const states: Record<string, SecretState> = {};
  for (const path of secretPaths(settingsSchema)) states[path] = getAt(settings, path) === undefined ? 'unset' : 'set';
  return states;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON merge patch (RFC 7386) of `patch` over `base`: objects merge key by key, null removes a key, anything else
 * replaces. Given the stored settings as shown (secrets as the placeholder), a secret the patch does not give stays
 * the placeholder, which the service keeps: how `hub connections update` and `PATCH /connections/{id}` change settings.
 */
export function mergeSettings(base: Settings, patch: Settings): Settings {
  const merged: Settings = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isObject(value) && isObject(merged[key])) merged[key] = mergeSettings(merged[key], value);
    else merged[key] = structuredClone(value);
  }
  return merged;
}
