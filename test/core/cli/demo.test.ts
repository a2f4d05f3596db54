import fs from 'node:fs';
import os from 'node:os';
import { CliBed } from './helpers';

describe('hub demo', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  it('runs the whole tour non-interactively, exits 0 and leaves no workspace behind', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('connector-hub-demo-'));
    const result = await bed.hub('demo', '--contacts', '200');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('HubSpot → Mailchimp, first sync');
    expect(result.stdout).toMatch(/HubSpot → Mailchimp again, nothing changed\n\s+read \d+, created 0, updated 0/);
    expect(result.stdout).toMatch(/moved to "Питер"/);
    expect(result.stdout).toMatch(/in "Санкт-Петербург"/);
    expect(result.stdout).toMatch(/as "unsubscribed"/);
    // the order tour: Odoo → HubSpot deals, Google Ads conversions, Meta Purchases; a refund restated once
    expect(result.stdout).toContain('Odoo → HubSpot: sales orders become deals');
    expect(result.stdout).toMatch(/In Odoo, 12 sales orders of some of the same people: 12 became deals in HubSpot/);
    expect(result.stdout).toMatch(
      /(\d+) of them had a Google click id and the customer's marketing consent: Google Ads counted \1 conversions/,
    );
    expect(result.stdout).toMatch(/\d+ orders with consent became Purchase events at Meta/);
    expect(result.stdout).toMatch(/S\d+ was refunded in Odoo: Google Ads restated that conversion once/);
    expect(result.stdout).toMatch(/Odoo → Google Ads again, nothing changed\n\s+read \d+, created 0, updated 0/);
    expect(result.stdout).toContain('A rerun of the three order flows sent nothing new.');
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('connector-hub-demo-'));
    expect(after.sort()).toEqual(before.sort());
    // the user's own store was not touched
    expect(fs.existsSync(process.env.HUB_DATA_DIR!)).toBe(false);
  }, 120_000);

  it('refuses a nonsensical --contacts with a message naming the option', async () => {
    const result = await bed.hub('demo', '--contacts', 'many');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--contacts must be a whole number');
  });
});
