import { defineStream } from '../../../core/sdk';
import { isoOf, many2one } from '../client';
import { Invoice } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { checkpointProblem, readModel } from './incremental';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function toInvoice(row: Record<string, unknown>): Invoice {
  return {
    id: Number(row.id),
    name: text(row.name),
    move_type: row.move_type === 'out_refund' ? 'out_refund' : 'out_invoice',
    state: String(row.state ?? ''),
    payment_state: text(row.payment_state),
    customer: many2one(row.partner_id),
    currency: many2one(row.currency_id)?.name ?? null,
    invoice_date: text(row.invoice_date),
    invoice_origin: text(row.invoice_origin),
    amount_total: num(row.amount_total),
    amount_residual: num(row.amount_residual),
    reversed_entry: many2one(row.reversed_entry_id),
    write_date: isoOf(row.write_date) ?? '',
  };
}

/** account.move customer invoices and refunds (out_invoice / out_refund), incremental on (write_date, id). */
export const invoices = defineStream<OdooSettings, Invoice>({
  name: 'invoices',
  title: 'Customer invoices and refunds',
  description: 'Customer invoices and credit notes (account.move out_invoice/out_refund), incremental on write_date',
  recordSchema: Invoice,
  identity: ['id'],
  modifiedField: 'write_date',
  checkpointProblem,
  read: (args) =>
    readModel(
      {
        model: 'account.move',
        domain: [['move_type', 'in', ['out_invoice', 'out_refund']]],
        fields: [
          'name',
          'move_type',
          'state',
          'payment_state',
          'partner_id',
          'currency_id',
          'invoice_date',
          'invoice_origin',
          'amount_total',
          'amount_residual',
          'reversed_entry_id',
        ],
        toRecords: async (rows) => rows.map(toInvoice),
      },
      args,
    ),
});
