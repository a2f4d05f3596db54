import { createHash } from 'node:crypto';
import { mapped, mapper, sentences, skipReason, template } from '../mappings/helpers';
import { odooOrder } from '../mappings/messy-records';

/**
 * The `odoo-orders-to-google-ads-conversions` template keeps each promise of its description, checked at the
 * mapping level (the mapping the template's flow runs, on messy Odoo orders): the Odoo orders stream does not read
 * click ids, consent or refunds yet, so a run through the sandboxes cannot show the positive path (see
 * test/flows/ad-templates-sandbox.test.ts for what the runner shows today).
 */

const NAME = 'odoo-orders-to-google-ads-conversions';
const map = mapper('odoo-order-to-google-conversion');
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe(`template ${NAME}: its description`, () => {
  it('says what this test checks, sentence by sentence', () => {
    expect(sentences(NAME)).toEqual([
      'Confirmed Odoo sales orders that carry a Google click id (gclid, gbraid or wbraid) are sent to Google Ads as offline conversions through the Data Manager API, with the order total and currency as the value and the order reference as the transaction id, so Google counts each order once.',
      'Orders without a click id, quotations and cancelled orders are skipped with the reason.',
      'A refund in Odoo becomes one retraction: the conversion is restated to the value that is left, 0 for a full refund.',
      'A customer without marketing consent never reaches Google: neither the conversion nor their e-mail, phone or name is sent.',
      "E-mail, phone and name are normalised and hashed by Google's rules before they leave the hub.",
      'Runs every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      "Needs, in Odoo, the click ids on the order and the customer's marketing consent on the contact (custom fields x_gclid, x_gbraid, x_wbraid and x_marketing_consent, or the names set in the Odoo connection's gclidField, gbraidField, wbraidField and consentField); refunds are read from Odoo's credit notes.",
    ]);
  });

  it('runs the Odoo orders stream into the Google sendConversions action, every 15 minutes', () => {
    const t = template(NAME);
    expect(Object.values(t.roles).map((r) => r.connector)).toEqual(['odoo', 'google']);
    expect(t.flows.map((f) => [f.source.stream, f.mapping.id, f.target.action, f.trigger])).toEqual([
      ['orders', 'odoo-order-to-google-conversion', 'sendConversions', { type: 'schedule', cron: '*/15 * * * *' }],
    ]);
  });
});

describe(`template ${NAME} keeps its promises (mapping level, messy Odoo orders)`, () => {
  it('a confirmed order with a click id is one conversion: total, currency, the order reference as transaction id', async () => {
    const order = odooOrder({ consent: 'Yes', gclid: '  Cj0KCQ-abc ', total: 99.5 });
    expect(await mapped(map, order)).toMatchObject({
      transactionId: order.name,
      gclid: 'Cj0KCQ-abc',
      conversionValue: 99.5,
      currency: 'EUR',
      eventTimestamp: '2026-12-01T09:30:00Z',
    });
    // the same order read again maps to the same record: the runner sends nothing new, Google keeps one conversion
    expect(await mapped(map, structuredClone(order))).toEqual(await mapped(map, order));
    // one click id only, the first of gclid, gbraid, wbraid
    const gbraid = await mapped(map, odooOrder({ consent: true, x_gbraid: 'gb-1' }));
    expect(gbraid).toMatchObject({ gbraid: 'gb-1' });
    expect(gbraid).not.toHaveProperty('gclid');
  });

  it('orders without a click id, quotations and cancelled orders are skipped with the reason', async () => {
    expect(await skipReason(map, odooOrder({ consent: true }))).toBe(
      'no Google click id (gclid, gbraid or wbraid) on the order: Google cannot attribute it',
    );
    expect(await skipReason(map, odooOrder({ consent: true, gclid: ' ' }))).toMatch(/no Google click id/);
    expect(await skipReason(map, odooOrder({ consent: true, gclid: 'g', state: 'draft' }))).toBe(
      'not a confirmed order yet (state "draft")',
    );
    expect(await skipReason(map, odooOrder({ consent: true, gclid: 'g', state: 'cancel' }))).toBe(
      'order cancelled: not a conversion',
    );
  });

  it('a refund becomes one retraction: same transaction id, value left (0 for a full refund), then no change', async () => {
    const order = odooOrder({ consent: true, gclid: 'Cj0-refund', total: 200 });
    const before = (await mapped(map, order)) as Record<string, unknown>;
    const full = (await mapped(map, { ...order, refunded_amount: 200 })) as Record<string, unknown>;
    expect(full).toEqual({ ...before, conversionValue: 0 });
    const partial = await mapped(map, { ...order, refunded_amount: 50 });
    expect(partial).toEqual({ ...before, conversionValue: 150 });
    // the refunded order read again is the same record: one retraction, not one per run
    expect(await mapped(map, { ...order, refunded_amount: 200 })).toEqual(full);
  });

  it('a customer without marketing consent never reaches Google, whatever else the order carries', async () => {
    for (const consent of [undefined, false, 'false', 'no', '', 'maybe']) {
      const order = odooOrder({ consent, gclid: 'Cj0-no-consent', refunded: 10 });
      expect(await skipReason(map, order)).toBe('no marketing consent for this customer: nothing is sent to Google');
    }
  });

  it("e-mail, phone and name are normalised and hashed by Google's rules; region and postal code stay in clear", async () => {
    const value = await mapped(map, odooOrder({ consent: true, gclid: 'g' }));
    expect(value).toMatchObject({
      email: sha('ivanpetrov@gmail.com'), // Gmail: dots and +tag removed
      phone: sha('+79161234567'), // national Russian number in E.164 with +
      givenName: sha('иван'),
      familyName: sha('петров'),
      regionCode: 'RU',
      postalCode: '190000',
    });
    expect(JSON.stringify(value)).not.toMatch(/ivan|petrov|916/i);
  });
});
