import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { LOOK_BACK_SECONDS } from '../../../connectors/odoo/streams/incremental';
import { partners } from '../../../connectors/odoo/streams/partners';
import { outboundHttp, type OutboundHttp } from '../../../core/sdk';
import { connection, readAll } from './helpers';

/**
 * Incremental reads on (write_date, id) against the sandbox, on both transports (issue #16): records sharing one
 * exact write_date (one transaction stamps every record it writes with its start time) across page boundaries, and a
 * record written while a read is under way.
 */
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('odoo incremental reads over %s (sandbox Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 0 });
  });
  afterEach(() => sandbox.close());
  const add = (name: string, writeDate: string) =>
    sandbox.store.insert('res.partner', { name, email: `${name}@example.com` }, writeDate);

  it('25 records of one transaction (one exact write_date) over pages of 10: each once, archived ones too', async () => {
    add('before', '2026-02-01 09:59:59.999');
    const batch = Array.from({ length: 25 }, (_, i) => add(`batch${i}`, '2026-02-01 10:00:00.500'));
    sandbox.store.write('res.partner', [batch[7]!], { active: false });
    sandbox.store.table('res.partner').get(batch[7]!)!.write_date = '2026-02-01 10:00:00.500';
    add('after', '2026-02-01 10:00:01.000');
    const { records, checkpoint } = await readAll(partners, connection({ ...sandbox.settings, pageSize: 10 }));
    const ids = records.map((r) => r.id);
    expect(ids).toEqual([...sandbox.store.table('res.partner').keys()]);
    expect(records.find((r) => r.id === batch[7])).toMatchObject({ active: false });
    expect(checkpoint).toEqual({ write_date: '2026-02-01T10:00:01Z', id: ids.at(-1) });
    // resumed from a page in the middle of the batch: the rest arrives, and nothing beyond the look-back repeats
    const page = await readAll(partners, connection({ ...sandbox.settings, pageSize: 10 }), {
      write_date: '2026-02-01T10:00:00Z',
      id: batch[12]!,
    });
    expect(page.records.map((r) => r.id)).toEqual(ids);
    for (const record of page.records)
      expect(Date.parse(record.write_date)).toBeGreaterThanOrEqual(Date.parse('2026-02-01T10:00:00Z') - 60_000);
  });

  it('a record written during a read is read with its new values; the next read only within the look-back', async () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      add(`p${i}`, `2026-02-01 10:00:${String(i * 2).padStart(2, '0')}.000`),
    );
    // after the first page is answered, p1 (already read) and p10 (not yet read) are renamed in Odoo
    let pages = 0;
    const real = outboundHttp({ connector: 'odoo' });
    const http: OutboundHttp = {
      ...real,
      async fetch(url, init) {
        const response = await real.fetch(url, init);
        if (String(init?.body ?? '').includes('search_read') || String(url).includes('search_read'))
          if (++pages === 1) sandbox.store.write('res.partner', [rows[1]!, rows[10]!], { name: 'renamed' });
        return response;
      },
    };
    const first = await readAll(partners, connection({ ...sandbox.settings, pageSize: 4 }, http));
    const byId = new Map<number, string[]>();
    for (const r of first.records) byId.set(r.id, [...(byId.get(r.id) ?? []), r.name ?? '']);
    // every record read; the renamed ones end with their new name (p1 read twice: before and after)
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual(rows);
    expect(byId.get(rows[1]!)!.at(-1)).toBe('renamed');
    expect(byId.get(rows[10]!)!.at(-1)).toBe('renamed');
    // the last page's checkpoint is at the renames, so a rerun reads at most the look-back window before them
    const rerun = await readAll(partners, connection(sandbox.settings), first.checkpoint);
    const newest = Math.max(...first.records.map((r) => Date.parse(r.write_date)));
    for (const record of rerun.records)
      expect(Date.parse(record.write_date)).toBeGreaterThanOrEqual(newest - LOOK_BACK_SECONDS * 1000);
    expect(rerun.checkpoint).toEqual(first.checkpoint);
  });
});
