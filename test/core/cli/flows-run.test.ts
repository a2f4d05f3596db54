import fs from 'node:fs';
import path from 'node:path';
import { CliBed } from './helpers';

const CSV = [
  'Email,Phone,Full name,City,Country,Consent',
  '  John.Smith@Example.COM ,+1 212-555-0123,John Ronald Smith,New  York,US,no',
  'ivanov@mail.ru,8 (912) 345-67-89,Иванов Иван Иванович,СПб,Россия,да',
  '',
].join('\n');

describe('hub flows run (embedded queue, file connector, end to end)', () => {
  let bed: CliBed;

  beforeEach(async () => {
    bed = new CliBed();
    await bed.fileConnection('contacts', { path: 'contacts.csv' });
    await bed.fileConnection('cleaned', { output: 'clean/contacts.ndjson' });
    bed.write('files/contacts.csv', CSV);
    await bed.enableCleanContactList();
  });
  afterEach(() => bed.cleanup());

  const output = () => path.join(bed.dir, 'files', 'clean', 'contacts.ndjson');
  const lines = () =>
    fs.existsSync(output())
      ? fs
          .readFileSync(output(), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];

  it('writes the normalised contacts once; a second run writes nothing', async () => {
    const first = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const run = JSON.parse(first.stdout);
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: 2, created: 2, failed: 0 } });

    expect(lines()).toEqual([
      expect.objectContaining({
        email: 'john.smith@example.com',
        phone: '+12125550123',
        givenName: 'John',
        familyName: 'Smith',
        city: 'New York',
        country: 'US',
        consent: { email: false },
      }),
      expect.objectContaining({
        email: 'ivanov@mail.ru',
        phone: '+79123456789',
        givenName: 'Иван',
        familyName: 'Иванов',
        middleName: 'Иванович',
        city: 'Санкт-Петербург',
        country: 'RU',
        consent: { email: true },
      }),
    ]);

    const second = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /run run_\S+ succeeded in [\d.]+s: read \d+, unchanged \d+, created 0, updated 0, deleted 0, failed 0/,
    );
    expect(lines()).toHaveLength(2);

    // the file replaced by one with the same rows in another order: read again from the start, nothing written
    const [header, john, ivan] = CSV.split('\n');
    bed.write('files/contacts.csv', [header, ivan, john, ''].join('\n'));
    const third = JSON.parse((await bed.hub('flows', 'run', 'clean-contact-list', '--json')).stdout);
    expect(third).toMatchObject({ status: 'succeeded', counts: { read: 2, unchanged: 2, created: 0, updated: 0 } });
    expect(lines()).toHaveLength(2);

    const shown = JSON.parse((await bed.hub('runs', 'show', run.id, '--json')).stdout);
    expect(shown).toMatchObject({ id: run.id, status: 'succeeded', failures: [] });
    const status = JSON.parse((await bed.hub('flows', 'status', 'clean-contact-list', '--json')).stdout);
    expect(status.runs).toHaveLength(3);
  });

  it('--dry-run shows what would be written and writes nothing', async () => {
    const result = await bed.hub('flows', 'run', 'clean-contact-list', '--dry-run', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.read).toBe(2);
    expect(report.records.map((r: { decision: string }) => r.decision)).toEqual(['create', 'create']);
    expect(lines()).toEqual([]);
  });

  it('prints a line per status change and a summary when not in a terminal', async () => {
    const result = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out[out.length - 1]).toMatch(/^run run_\S+ succeeded in/);
    expect(out[out.length - 2]).toBe('source read as contacts.csv: UTF-8, delimiter comma');
    expect(out.slice(0, -2).every((l) => /^(queued|running|succeeded): read \d+/.test(l))).toBe(true);
  });
});
