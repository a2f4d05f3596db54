import { createHash } from 'node:crypto';
import { PermanentError, isHubError, type WriteOutcome } from '../../../core/sdk';
import type { OdooClient } from '../client';
import { ALL_RECORDS } from '../streams/incremental';

/**
 * External ids the hub owns, kept where Odoo keeps its own: `ir.model.data` rows of module `connector_hub`
 * (`connector_hub.<name>` → model, res_id). Odoo's external id names allow no dots, so a key becomes a readable
 * slug plus a hash of the model and the whole key: (module, name) is unique across all models in Odoo, so the same
 * key on a partner and on an order (a CRM's contact 101 and deal 101) must not share a name — the second link was
 * refused, and a partner created before its link failed was created again on every retry.
 * Rows written before the model was in the hash (`legacyExternalName`) are still found.
 */
export const HUB_MODULE = 'connector_hub';

const slugOf = (key: string): string => key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

export function externalName(key: string, model: string): string {
  return `${slugOf(key)}_${hash(`${model}\u0000${key}`)}`;
}

/** The name of rows linked before the model was part of the name. */
export function legacyExternalName(key: string): string {
  return `${slugOf(key)}_${hash(key)}`;
}

/** res_id by external key, for the keys that have one on this model. */
export async function findExternalIds(client: OdooClient, model: string, keys: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (keys.length === 0) return found;
  const byName = new Map(
    keys.flatMap((k) => [[externalName(k, model), k] as const, [legacyExternalName(k), k] as const]),
  );
  const rows = await client.call<{ name: string; res_id: number }[]>('ir.model.data', 'search_read', {
    args: {
      domain: [
        ['module', '=', HUB_MODULE],
        ['model', '=', model],
        ['name', 'in', [...byName.keys()]],
      ],
      fields: ['name', 'res_id'],
    },
    context: ALL_RECORDS,
  });
  for (const row of rows) {
    const key = byName.get(row.name);
    if (key !== undefined && typeof row.res_id === 'number') found.set(key, row.res_id);
  }
  return found;
}

export async function linkExternalId(client: OdooClient, model: string, key: string, resId: number): Promise<void> {
  await client.call('ir.model.data', 'create', {
    args: { vals_list: [{ module: HUB_MODULE, name: externalName(key, model), model, res_id: resId, noupdate: true }] },
  });
}

/** The id `create` answered: a list of ids (vals_list) or one id (a single dict on older servers). */
export function createdId(result: unknown): number {
  const id = Array.isArray(result) ? result[0] : result;
  if (typeof id !== 'number')
    throw new PermanentError(`Odoo create answered ${JSON.stringify(result)?.slice(0, 200)}, not an id`);
  return id;
}

/** A per-record failure as an outcome; an AuthError (or anything untyped) is thrown to stop the batch. */
export function failedOutcome(error: unknown, field?: string): WriteOutcome {
  if (!isHubError(error) || error.kind === 'auth' || error.kind === 'config') throw error;
  const retryable = error.kind === 'retryable' || error.kind === 'rate_limited';
  const wait = (error as { retryAfterMs?: number }).retryAfterMs;
  return {
    status: 'failed',
    failure: retryable ? 'retryable' : 'permanent',
    reason: error.message,
    ...(field === undefined ? {} : { field }),
    ...(retryable && wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

/** A prefix-notation OR of the given leaves (Odoo domains are Polish notation). */
export function anyOf(leaves: unknown[][]): unknown[] {
  if (leaves.length === 0) return [['id', '=', 0]];
  return [...Array<string>(leaves.length - 1).fill('|'), ...leaves];
}
