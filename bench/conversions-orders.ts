import fs from 'node:fs';

/**
 * Synthetic orders for bench/conversions: one NDJSON line per order, in the shape of the Odoo connector's `orders`
 * stream (mappings/schemas/odoo-order-record.schema.json) with the fields the ad-platform mappings need — a
 * confirmed order (`state: "sale"`), a customer who gave marketing consent, a Google click id, e-mail, phone, city,
 * postal code and country — so every order is one Google conversion and one Meta Purchase. Written here, not read
 * from the Odoo sandbox, so the bench measures the runner and the two ad connectors, not Odoo.
 */

const FIRST = ['anna', 'Ivan', '  MARIA ', 'john', 'Ольга', 'pierre'];
const LAST = ['Schmidt', 'petrov', ' Dupont ', 'SMITH', 'Иванова', 'García'];
const CITIES = [
  ['Berlin', '10115', 'DE'],
  ['Paris', '75001', 'FR'],
  ['Санкт-Петербург', '190000', 'RU'],
  ['New York', '10001', 'US'],
] as const;

/** Order `i` (0-based): id i + 1, reference S000001…, placed `placedAt` minus i ms (all within the last day). */
export function syntheticOrder(i: number, placedAt: number): Record<string, unknown> {
  const id = i + 1;
  const [city, zip, country] = CITIES[i % CITIES.length]!;
  const at = new Date(placedAt - i).toISOString();
  const quantity = 1 + (i % 3);
  const price = 10 + (i % 90);
  const untaxed = quantity * price + 5;
  const tax = Math.round(untaxed * 19) / 100;
  return {
    id,
    name: `S${String(id).padStart(6, '0')}`,
    client_order_ref: null,
    origin: null,
    customer: { id: 100_000 + id, name: `${FIRST[i % FIRST.length]} ${LAST[(i >> 1) % LAST.length]}` },
    state: 'sale',
    date_order: at,
    currency: 'eur',
    amount_untaxed: untaxed,
    amount_tax: tax,
    amount_total: Math.round((untaxed + tax) * 100) / 100,
    lines: [
      {
        id: id * 2,
        product: { id: 1 + (i % 50), name: `Product ${1 + (i % 50)}` },
        description: 'Product',
        quantity,
        price_unit: price,
        price_subtotal: quantity * price,
        price_total: Math.round(quantity * price * 119) / 100,
      },
      {
        id: id * 2 + 1,
        product: { id: 999, name: 'Delivery' },
        description: 'Delivery',
        quantity: 1,
        price_unit: 5,
        price_subtotal: 5,
        price_total: 5.95,
      },
    ],
    write_date: at,
    customer_email: ` Buyer.${id}@Example.COM `,
    customer_phone: `+49 30 ${String(1_000_000 + (id % 9_000_000))}`,
    customer_city: city,
    customer_zip: zip,
    customer_country_code: country,
    marketing_consent: true,
    gclid: `Cj0KCQbench${id}`,
    fbp: `fb.1.${placedAt}.${id}`,
  };
}

/** Writes `n` orders to `file` (NDJSON), a chunk at a time: the file is never held in memory whole. */
export function writeOrdersFile(file: string, n: number, placedAt = Date.now() - 3_600_000): void {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = '';
    for (let i = 0; i < n; i++) {
      chunk += `${JSON.stringify(syntheticOrder(i, placedAt))}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}
