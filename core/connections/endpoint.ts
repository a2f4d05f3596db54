import { endpointPaths, getAt, type Settings } from '../security/secrets';

/**
 * Secrets stay bound to where they were meant to go. A connector marks the settings that decide where its secrets
 * are sent with the SDK's `Endpoint()` ("x-endpoint": true): a base URL, a region, a data centre. When a change
 * moves any of them, the secrets kept from before (sent back as "[secret]") are cleared instead of following the
 * connection to the new endpoint; secrets given anew in the same change are the user's own choice and stay.
 */

export interface EndpointChange {
  /** Endpoint settings whose value changes (dot paths). */
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** Secret fields whose stored value must not follow the connection to the new endpoint. */
  secretsCleared: string[];
}

/** A change of where a connection's secrets go, refused for this actor (answered 403 by the API). */
export class EndpointChangeForbiddenError extends Error {
  constructor(
    readonly connection: string,
    readonly fields: readonly string[],
  ) {
    super(
      `only an admin may change ${fields.join(', ')} of connection ${connection}, which another user created: ` +
        'these settings decide where its secrets are sent',
    );
    this.name = 'EndpointChangeForbiddenError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's `default` for a dot path (through nested `properties`), if any. */
function defaultAt(schema: unknown, path: string): unknown {
  let current: unknown = schema;
  for (const segment of path.split('.')) {
    if (!isObject(current) || !isObject(current.properties)) return undefined;
    current = current.properties[segment];
  }
  return isObject(current) ? current.default : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Names that say "where requests go", for settings schemas that mark nothing (plugins built before `Endpoint()`). */
const ENDPOINT_NAME = /^(?:base_?url|api_?url|instance_?url|endpoint|host|hostname|domain|subdomain|server|region)$/i;

/**
 * The endpoint settings of a schema: the ones marked with `Endpoint()`; for a schema that marks none, its
 * top-level properties named like an endpoint (`baseUrl`, `host`, `region`, …), so an older plugin's secrets are
 * bound too.
 */
export function endpointSettings(settingsSchema: unknown): string[] {
  const marked = endpointPaths(settingsSchema);
  if (marked.length > 0) return marked;
  const properties = isObject(settingsSchema) && isObject(settingsSchema.properties) ? settingsSchema.properties : {};
  return Object.keys(properties)
    .filter((name) => ENDPOINT_NAME.test(name))
    .sort();
}

/**
 * What a settings change does to the endpoint, or undefined when every endpoint setting keeps its (effective)
 * value. `kept` are the secret paths sent back as the placeholder.
 */
export function endpointChange(
  settingsSchema: unknown,
  before: Settings,
  after: Settings,
  kept: readonly string[],
): EndpointChange | undefined {
  const change: EndpointChange = { fields: [], before: {}, after: {}, secretsCleared: [...kept] };
  for (const path of endpointSettings(settingsSchema)) {
    const fallback = defaultAt(settingsSchema, path);
    const was = getAt(before, path) ?? fallback;
    const now = getAt(after, path) ?? fallback;
    if (same(was, now)) continue;
    change.fields.push(path);
    change.before[path] = was ?? null;
    change.after[path] = now ?? null;
  }
  return change.fields.length === 0 ? undefined : change;
}
