import { defineStream, type Json } from 'connector-hub/sdk';
import { createClient, normalizeEmail } from '../client';
import { ContactRecord } from '../schemas/records';
import type { UnisenderSettings } from '../schemas/settings';

/**
 * Stream `contacts`: every contact of the connection's list, with the custom fields named in the settings, read
 * with `exportContacts(list_id, field_names[], offset, limit)` in pages of 1000 (Unisender: "not more than 1000
 * records at a time using the offset and limit arguments").
 *
 * Unisender's export has no modified-since filter and its rows carry no modification time, so this is a full read
 * every time: the runner de-duplicates unchanged records. The checkpoint `{ v: 1, offset }` makes a read that
 * stopped midway resume at the next page; after the last page the checkpoint is null, so the next read is again a
 * full one (an offset kept past the end would only ever see contacts appended later, never changes).
 */

export const PAGE_SIZE = 1000;
const SYSTEM_FIELDS = ['email', 'email_status', 'phone', 'tags'];

interface ExportResult {
  field_names: string[];
  data: (string | number | null)[][];
}

type ContactsCheckpoint = { v: 1; offset: number };

function offsetOf(checkpoint: Json | null): number {
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) return 0;
  const { v, offset } = checkpoint as Partial<ContactsCheckpoint>;
  return v === 1 && typeof offset === 'number' && Number.isInteger(offset) && offset > 0 ? offset : 0;
}

/** One exported row as a record: columns by name, empty values left out, tags split. */
export function toContactRecord(names: string[], row: (string | number | null)[], custom: string[]): ContactRecord {
  const value = (name: string): string => {
    const i = names.indexOf(name);
    const v = i < 0 ? null : row[i];
    return v === null || v === undefined ? '' : String(v).trim();
  };
  const record: ContactRecord = {
    email: normalizeEmail(value('email')),
    email_status: value('email_status'),
    tags: value('tags')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    fields: {},
  };
  const phone = value('phone');
  if (phone !== '') record.phone = phone;
  for (const name of custom) {
    const v = value(name);
    if (v !== '') record.fields[name] = v;
  }
  return record;
}

export const contacts = defineStream<UnisenderSettings, ContactRecord>({
  name: 'contacts',
  title: 'Contacts of the list',
  description: 'Every contact of the list with its custom fields; a full read each time, resumable per page',
  recordSchema: ContactRecord,
  identity: ['email'],
  async *read({ connection, checkpoint }) {
    const settings = connection.settings;
    const client = createClient(settings, { signal: connection.signal, http: connection.http });
    const custom = settings.fields ?? [];
    let offset = offsetOf(checkpoint);
    for (;;) {
      const result = await client.call<ExportResult>('exportContacts', {
        list_id: settings.listId,
        field_names: [...SYSTEM_FIELDS, ...custom],
        offset,
        limit: PAGE_SIZE,
      });
      const rows = Array.isArray(result?.data) ? result.data : [];
      const names = Array.isArray(result?.field_names) ? result.field_names : [];
      const records = rows.map((row) => toContactRecord(names, row, custom)).filter((r) => r.email !== '');
      offset += rows.length;
      const last = rows.length < PAGE_SIZE;
      yield { records, checkpoint: last ? null : { v: 1, offset } };
      if (last) return;
    }
  },
});
