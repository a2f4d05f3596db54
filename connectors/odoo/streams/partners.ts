import { defineStream } from '../../../core/sdk';
import { isoOf, many2one } from '../client';
import { Partner } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { checkpointProblem, readModel } from './incremental';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toPartner(row: Record<string, unknown>): Partner {
  const country = row.country_code;
  return {
    id: Number(row.id),
    name: text(row.name),
    email: text(row.email),
    phone: text(row.phone),
    ref: text(row.ref),
    is_company: row.is_company === true,
    parent: many2one(row.parent_id),
    country_code: text(country),
    active: row.active !== false,
    write_date: isoOf(row.write_date) ?? '',
  };
}

/** res.partner (contacts and companies), archived ones included, incremental on (write_date, id). */
export const partners = defineStream<OdooSettings, Partner>({
  name: 'partners',
  title: 'Partners',
  description: 'Contacts and companies (res.partner), archived ones included, incremental on write_date',
  recordSchema: Partner,
  identity: ['id'],
  modifiedField: 'write_date',
  checkpointProblem,
  read: (args) =>
    readModel(
      {
        model: 'res.partner',
        fields: ['name', 'email', 'phone', 'ref', 'is_company', 'parent_id', 'country_code', 'active'],
        toRecords: async (rows) => rows.map(toPartner),
      },
      args,
    ),
});
