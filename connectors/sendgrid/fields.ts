import { createHash } from 'node:crypto';
import type { SendGridClient } from './client';

/**
 * Custom field definitions (`GET /v3/marketing/field_definitions`): records name their custom fields, SendGrid's
 * PUT wants field ids. Definitions are cached per account (key + base URL, hashed) for a few minutes; a name that
 * is not found refreshes the cache once, so a field created in SendGrid a moment ago is picked up.
 */

export interface FieldDefinition {
  id: string;
  name: string;
  field_type: 'Text' | 'Number' | 'Date' | string;
  read_only?: boolean;
}

export interface FieldDefinitionsResponse {
  custom_fields?: FieldDefinition[];
  reserved_fields?: FieldDefinition[];
}

export interface FieldIndex {
  /** Custom fields by lowercased name (SendGrid names are case-insensitively unique). */
  byName: Map<string, FieldDefinition>;
  byId: Map<string, FieldDefinition>;
  loadedAt: number;
}

const TTL_MS = 5 * 60 * 1000;
const cache = new Map<string, FieldIndex>();

function cacheKey(client: SendGridClient): string {
  return createHash('sha256').update(`${client.baseUrl}\n${client.settings.apiKey}`).digest('hex');
}

export function indexFields(response: FieldDefinitionsResponse): FieldIndex {
  const byName = new Map<string, FieldDefinition>();
  const byId = new Map<string, FieldDefinition>();
  for (const field of response.custom_fields ?? []) {
    byName.set(field.name.toLowerCase(), field);
    byId.set(field.id, field);
  }
  return { byName, byId, loadedAt: Date.now() };
}

export async function loadFields(client: SendGridClient, refresh = false): Promise<FieldIndex> {
  const key = cacheKey(client);
  const cached = cache.get(key);
  if (!refresh && cached !== undefined && Date.now() - cached.loadedAt < TTL_MS) return cached;
  const index = indexFields(await client.request<FieldDefinitionsResponse>('GET', '/v3/marketing/field_definitions'));
  if (cache.size > 200) cache.clear();
  cache.set(key, index);
  return index;
}

/** The index, reloaded once when one of `names` is unknown to the cached copy. */
export async function fieldsFor(client: SendGridClient, names: Iterable<string>): Promise<FieldIndex> {
  const index = await loadFields(client);
  for (const name of names) if (!index.byName.has(name.toLowerCase())) return loadFields(client, true);
  return index;
}

/** Forgets every cached index (tests). */
export function clearFieldCache(): void {
  cache.clear();
}
