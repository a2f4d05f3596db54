import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor } from '../client';
import { UpsertContactInput } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { contactsType } from '../streams/objects';
import { batchRejection, errorsByKey, permanent, toHubSpotProperties, type BatchResponse } from './batch';

/**
 * Action `upsertContacts`: creates or updates contacts by e-mail through batch upsert (`idProperty: 'email'`,
 * at most 100 per call). HubSpot matches e-mails case-insensitively, so records of one batch with the same address
 * are sent once, their properties merged in order, and share the outcome.
 */

export const UPSERT_CONTACTS_PATH = `${contactsType.path}/batch/upsert`;
const normalize = (email: string) => email.trim().toLowerCase();

export const upsertContacts = defineAction<HubSpotSettings, UpsertContactInput>({
  name: 'upsertContacts',
  title: 'Upsert contacts',
  description: 'Creates or updates contacts matched by e-mail (batch upsert, up to 100 per call)',
  recordSchema: UpsertContactInput,
  mode: 'upsert',
  maxBatchSize: 100,
  identity: ['email'],
  async write({ connection, records }) {
    const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
    const groups = new Map<string, { email: string; indexes: number[]; properties: Record<string, string> }>();
    records.forEach((record, i) => {
      const email = record.email.trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
        outcomes[i] = permanent(`"${record.email}" is not an e-mail address`);
        return;
      }
      const key = normalize(email);
      const group = groups.get(key) ?? { email, indexes: [], properties: {} };
      group.indexes.push(i);
      Object.assign(group.properties, toHubSpotProperties(record.properties));
      groups.set(key, group);
    });
    if (groups.size > 0) {
      const client = clientFor(connection);
      const list = [...groups.entries()];
      const inputs = list.map(([, g]) => ({ id: g.email, idProperty: 'email', properties: g.properties }));
      let response: BatchResponse;
      try {
        ({ body: response } = await client.post<BatchResponse>(UPSERT_CONTACTS_PATH, 'upsert contacts', { inputs }));
      } catch (error) {
        const reason = batchRejection(error);
        for (const [, g] of list) for (const i of g.indexes) outcomes[i] = permanent(reason);
        return outcomes;
      }
      const results = response.results ?? [];
      const byEmail = new Map(results.map((r) => [normalize(r.properties?.email ?? ''), r]));
      const failed = errorsByKey(response, normalize);
      list.forEach(([key, g], position) => {
        // HubSpot echoes the e-mail in the result's properties; without it, a complete answer is in input order
        const result =
          byEmail.get(key) ?? (results.length === inputs.length && failed.size === 0 ? results[position] : undefined);
        let outcome: WriteOutcome;
        if (result !== undefined) {
          outcome = { status: 'ok', targetId: String(result.id), operation: result.new ? 'created' : 'updated' };
        } else if (failed.has(key)) {
          outcome = permanent(failed.get(key)!);
        } else {
          outcome = { status: 'failed', failure: 'retryable', reason: 'HubSpot returned no result for this contact' };
        }
        for (const i of g.indexes) outcomes[i] = outcome;
      });
    }
    return outcomes;
  },
});
