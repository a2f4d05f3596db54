import fs from 'node:fs';
import path from 'node:path';
import { compileSchema } from '../../core/mapping/validation';
import { MAPPINGS_DIR } from './helpers';

/** The canonical order and conversion schemas compile with the mapping engine's validator and say what they mean. */

const load = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(MAPPINGS_DIR, 'schemas', `${name}.schema.json`), 'utf8')) as Record<
    string,
    unknown
  >;

describe('canonical order and conversion schemas', () => {
  it('a canonical order: reference, status and lines required; consent is a boolean; unknown fields refused', () => {
    const valid = compileSchema(load('canonical-order'));
    const order = {
      reference: 'S00042',
      externalId: 'hubspot-deal-77',
      status: 'confirmed',
      placedAt: '2026-12-01T09:30:00Z',
      currency: 'EUR',
      total: 120,
      customer: { email: 'a@example.com', country: 'RU', marketingConsent: true },
      clickIds: { gclid: 'Cj0' },
      lines: [{ productId: '11', quantity: 2, unitPrice: 60 }],
    };
    expect(valid(order)).toBe(true);
    expect(valid({ ...order, status: 'paid' })).toBe(false);
    expect(valid({ ...order, customer: { marketingConsent: 'yes' } })).toBe(false);
    expect(valid({ ...order, gclid: 'Cj0' })).toBe(false);
  });

  it('a canonical conversion needs marketing consent; a retraction carries no identifier it does not need', () => {
    const valid = compileSchema(load('canonical-conversion'));
    const conversion = {
      kind: 'conversion',
      orderReference: 'S00042',
      occurredAt: '2026-12-01T09:30:00Z',
      value: 120,
      currency: 'EUR',
      clickIds: { gclid: 'Cj0' },
      hashedIdentifiers: { email: 'a'.repeat(64) },
      marketingConsent: true,
    };
    expect(valid(conversion)).toBe(true);
    const { marketingConsent: _consent, ...withoutConsent } = conversion;
    expect(valid(withoutConsent)).toBe(false);
    expect(valid({ ...conversion, hashedIdentifiers: { email: 'a@example.com' } })).toBe(false);
    expect(valid({ kind: 'retraction', orderReference: 'S00042', occurredAt: '2026-12-01T09:30:00Z', value: 0 })).toBe(
      true,
    );
  });
});
