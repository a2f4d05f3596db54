import { defineAction, type WriteOutcome } from 'connector-hub/sdk';
import { createClient, normalizeEmail, type FormValue } from '../client';
import { ImportContactRecord } from '../schemas/records';
import type { UnisenderSettings } from '../schemas/settings';

/**
 * Action `importContacts`: up to 500 contacts per call (Unisender's documented maximum) with
 * `importContacts(field_names[], data[][], overwrite_tags, overwrite_lists)`. Every row also carries
 * `email_list_ids = listId`, so imported contacts join the connection's list.
 *
 * Columns: Unisender applies a column to every row of the call, so records with different sets of fields are sent
 * in separate calls (one per set, usually just one), and a record never gets an empty cell for a field it did not
 * have. Per-row problems come back in the answer's `log` as `{ index, code, message }` with the row's index in that
 * call's `data`; those rows become failed/permanent outcomes with the vendor's reason, the others succeed.
 * Overwrite semantics are the connection's `overwriteTags` / `overwriteLists` (both false by default: add tags and
 * lists, never remove); imported custom field values replace the stored ones either way.
 */

interface ImportLogEntry {
  index: number | string;
  code?: string;
  message?: string;
}

export interface ImportResult {
  total?: number;
  inserted?: number;
  updated?: number;
  deleted?: number;
  new_emails?: number;
  invalid?: number;
  log?: ImportLogEntry[];
}

function columnsOf(record: ImportContactRecord): string[] {
  const columns = ['email', 'email_list_ids'];
  if (record.phone !== undefined) columns.push('phone');
  if (record.email_status !== undefined) columns.push('email_status');
  if (record.tags !== undefined) columns.push('tags');
  for (const name of Object.keys(record.fields ?? {}).sort()) columns.push(name);
  return columns;
}

function cell(record: ImportContactRecord, column: string, listId: number): string {
  switch (column) {
    case 'email':
      return record.email.trim();
    case 'email_list_ids':
      return String(listId);
    case 'phone':
      return record.phone ?? '';
    case 'email_status':
      return record.email_status ?? '';
    case 'tags':
      return (record.tags ?? []).join(',');
    default: {
      const value = record.fields?.[column];
      if (value === null || value === undefined) return '';
      if (typeof value === 'boolean') return value ? '1' : '0';
      return String(value);
    }
  }
}

/** Records grouped by their column set, keeping each record's position in the batch. */
function groupByColumns(records: ImportContactRecord[]): { columns: string[]; positions: number[] }[] {
  const groups = new Map<string, { columns: string[]; positions: number[] }>();
  records.forEach((record, position) => {
    const columns = columnsOf(record);
    const key = columns.join('\u0000');
    const group = groups.get(key) ?? { columns, positions: [] };
    group.positions.push(position);
    groups.set(key, group);
  });
  return [...groups.values()];
}

export const importContacts = defineAction<UnisenderSettings, ImportContactRecord>({
  name: 'importContacts',
  title: 'Import contacts',
  description: 'Creates or updates contacts (by e-mail) in the list, 500 per call; per-row errors become outcomes',
  recordSchema: ImportContactRecord,
  mode: 'upsert',
  // Unisender: "no more than 500 contacts per call"
  maxBatchSize: 500,
  identity: ['email'],
  async write({ connection, records }) {
    const settings = connection.settings;
    const client = createClient(settings, { signal: connection.signal, http: connection.http });
    const outcomes: WriteOutcome[] = records.map((r) => {
      const email = normalizeEmail(r.email);
      return email === ''
        ? { status: 'failed', failure: 'permanent', reason: 'empty e-mail address', field: 'email' }
        : { status: 'ok', targetId: email };
    });
    const sendable = records.map((r, i) => ({ r, i })).filter(({ i }) => outcomes[i]!.status === 'ok');
    for (const { columns, positions } of groupByColumns(sendable.map((s) => s.r))) {
      const batch = positions.map((p) => sendable[p]!);
      const data: FormValue[] = batch.map(({ r }) => columns.map((c) => cell(r, c, settings.listId)));
      const result = await client.call<ImportResult>('importContacts', {
        field_names: columns,
        data,
        overwrite_tags: settings.overwriteTags ?? false,
        overwrite_lists: settings.overwriteLists ?? false,
      });
      for (const entry of result?.log ?? []) {
        const index = Number(entry.index);
        const position = Number.isInteger(index) ? batch[index]?.i : undefined;
        if (position === undefined) continue;
        const reason = [entry.code, entry.message].filter((s) => s !== undefined && s !== '').join(': ');
        outcomes[position] = {
          status: 'failed',
          failure: 'permanent',
          reason: reason === '' ? 'rejected by Unisender' : reason,
          field: 'email',
        };
      }
    }
    return outcomes;
  },
});
