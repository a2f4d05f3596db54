import type { ConformanceOptions, ConformanceSetup } from '../../core/sdk/testing';
import { startSandbox, type OdooSandbox } from './sandbox';
import type { OdooSettings } from './schemas/settings';
import { LOOK_BACK_SECONDS } from './streams/incremental';

/**
 * The conformance setup of the Odoo connector against its sandbox: what `hub plugins check odoo` runs, and what
 * test/connectors/odoo/conformance.test.ts runs (the same options a partner exports from a plugin).
 */

const partnerCount = (sandbox: OdooSandbox, record: object) => {
  const email = (record as { email?: string }).email?.toLowerCase();
  return [...sandbox.store.table('res.partner').values()].filter(
    (p) => typeof p.email === 'string' && p.email.toLowerCase() === email,
  ).length;
};

export function conformanceOptions(sandbox: () => OdooSandbox): ConformanceOptions<OdooSettings> {
  return {
    settings: () => ({ ...sandbox().settings, pageSize: 10 }),
    maxPages: 3,
    badSettings: () => ({ ...sandbox().settings, apiKey: 'wrong-odoo-key-0123456789' }),
    lookBackMs: LOOK_BACK_SECONDS * 1000,
    sampleRecords: {
      upsertPartners: [
        { externalId: 'crm-1', email: 'kit.one@example.com', name: 'Kit One' },
        { email: 'kit.two@example.com', name: 'Kit Two', phone: '+49 30 1234' },
      ],
      createOrders: [
        {
          externalId: 'deal-kit-1',
          customer: { id: 1 },
          client_order_ref: 'PO-KIT-1',
          lines: [{ product_id: 1, quantity: 2 }],
        },
      ],
    },
    batchRecord: {
      upsertPartners: (i) => ({ externalId: `batch-${i}`, email: `batch${i}@example.com`, name: `Batch ${i}` }),
      createOrders: (i) => ({
        externalId: `deal-batch-${i}`,
        customer: { id: 1 },
        lines: [{ product_id: 2, quantity: 1 }],
      }),
    },
    rejectedRecord: {
      upsertPartners: {
        record: { externalId: 'no-name', email: 'no.name@example.com' },
        reason: 'Contacts require a name',
      },
      createOrders: {
        record: { externalId: 'deal-bad-product', customer: { id: 1 }, lines: [{ product_id: 999, quantity: 1 }] },
        reason: 'does not exist',
      },
    },
    countAtTarget: (action, record) =>
      action === 'createOrders'
        ? sandbox().ordersFor((record as { externalId: string }).externalId)
        : partnerCount(sandbox(), record),
    rateLimit: async () => {
      sandbox().rateLimitNext(2);
      return { waitMs: 2_000 };
    },
    restore: () => sandbox().rateLimitNext(null),
  };
}

/** The `conformance` setup `hub plugins check odoo` looks for: a fresh sandbox, the options, and a close. */
export const conformance: ConformanceSetup<OdooSettings> = async () => {
  const sandbox = await startSandbox({ seedContacts: 60, seedOrders: 12, seed: 11 });
  return { options: conformanceOptions(() => sandbox), close: () => sandbox.close() };
};
