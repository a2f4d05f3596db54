import { createHash } from 'node:crypto';
import { mapped, mapper, sentences, skipReason, template } from '../mappings/helpers';
import { odooOrder } from '../mappings/messy-records';

/**
 * The `odoo-orders-to-meta-purchases` template keeps each promise of its description, checked at the mapping level
 * on messy Odoo orders (the orders stream does not read consent or customer contact details yet; see
 * test/flows/ad-templates-sandbox.test.ts for what a run through the sandboxes shows today).
 */

const NAME = 'odoo-orders-to-meta-purchases';
const map = mapper('odoo-order-to-meta-purchase');
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe(`template ${NAME}: its description`, () => {
  it('says what this test checks, sentence by sentence', () => {
    expect(sentences(NAME)).toEqual([
      'Confirmed Odoo sales orders are sent to Meta as Purchase events through the Conversions API, with the order total and currency as the value and the products as content ids.',
      "The event id is the order reference, so Meta counts a purchase once even when your website's pixel reported it too.",
      'Quotations and cancelled orders are skipped with the reason.',
      'A customer without marketing consent never reaches Meta: no event and no identifier is sent for them.',
      "E-mail, phone, name, city, postal code, country and the Odoo customer id are normalised and hashed by Meta's rules before they leave the hub.",
      'Runs every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      "Needs, in Odoo, the customer's marketing consent on the contact (custom field x_marketing_consent, or the name set in the Odoo connection's consentField); e-mail, phone and address come from the order's customer.",
    ]);
  });

  it('runs the Odoo orders stream into the Meta sendEvents action, every 15 minutes', () => {
    const t = template(NAME);
    expect(Object.values(t.roles).map((r) => r.connector)).toEqual(['odoo', 'meta']);
    expect(t.flows.map((f) => [f.source.stream, f.mapping.id, f.target.action, f.trigger])).toEqual([
      ['orders', 'odoo-order-to-meta-purchase', 'sendEvents', { type: 'schedule', cron: '*/15 * * * *' }],
    ]);
  });
});

describe(`template ${NAME} keeps its promises (mapping level, messy Odoo orders)`, () => {
  it('a confirmed order is one Purchase: total, currency, products as content ids, event id = order reference', async () => {
    const order = odooOrder({ consent: 'да', total: 80 });
    expect(await mapped(map, order)).toMatchObject({
      event_name: 'Purchase',
      event_id: order.name,
      action_source: 'other',
      custom_data: { value: 80, currency: 'EUR', order_id: order.name, content_ids: ['11'], num_items: 2 },
    });
    // read again (or refunded later): the same event, so the runner never sends a second Purchase for it
    expect(await mapped(map, { ...order, refunded_amount: 80 })).toEqual(await mapped(map, order));
  });

  it('quotations and cancelled orders are skipped with the reason', async () => {
    expect(await skipReason(map, odooOrder({ consent: true, state: 'sent' }))).toBe(
      'not a confirmed order yet (state "sent")',
    );
    expect(await skipReason(map, odooOrder({ consent: true, state: 'cancel' }))).toBe(
      'order cancelled: not a purchase',
    );
  });

  it('a customer without marketing consent never reaches Meta', async () => {
    for (const consent of [undefined, false, 'false', 'нет', ' ']) {
      expect(await skipReason(map, odooOrder({ consent }))).toBe(
        'no marketing consent for this customer: nothing is sent to Meta',
      );
    }
  });

  it("identifiers are normalised and hashed by Meta's rules; nothing personal leaves in clear", async () => {
    const order = odooOrder({ consent: true });
    const event = (await mapped(map, order)) as { user_data: Record<string, unknown> };
    expect(event.user_data).toEqual({
      em: [sha('ivan.petrov+shop@gmail.com')], // Meta keeps Gmail dots and +tag
      ph: [sha('79161234567')], // digits with the country code, no +
      fn: sha('иван'),
      ln: sha('петров'),
      ct: sha('санктпетербург'), // "СПб" → one spelling, then lowercase without spaces or punctuation
      zp: sha('190000'),
      country: sha('ru'),
      external_id: [sha(`odoo-partner-${(order.customer as { id: number }).id}`)],
    });
    expect(JSON.stringify(event)).not.toMatch(/ivan|petrov|916|190000/i);
  });
});
