import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fileConnector from '../../../connectors/file';
import type { ConnectorDefinition } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, type Harness } from './harness';

/**
 * Rows a stream cannot read (Page.rejected, e.g. a malformed CSV line) are dead-lettered with the reason, their
 * line and raw text, the rest of the source is read, and a mirror run deletes nothing when some rows were unreadable.
 */

describe('runner: rows the source could not read', () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function setup(mode: 'upsert' | 'mirror') {
    h = await createHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-rejected-'));
    await h.register('a', fileConnector as unknown as ConnectorDefinition, { directory: dir, path: 'people.csv' });
    const b = await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', mode, source: { connection: 'a', stream: 'records' } });
    return { b, flow };
  }

  it('dead-letters a malformed row with its line and raw text and writes every good row', async () => {
    const { b, flow } = await setup('upsert');
    fs.writeFileSync(
      path.join(dir, 'people.csv'),
      '\ufeffid;email;name\r\n1;a@example.com;Ann\r\n2;b@example.com;"Bob" Jr\r\n3;c@example.com;Cy;extra\r\n4;d@example.com;Di\r\n',
    );
    const run = await h.run('a-to-b');
    expect(run).toMatchObject({
      status: 'partial',
      counts: expect.objectContaining({ read: 4, created: 2, deadLettered: 2 }),
    });
    expect([...b.records.values()].map((r) => r.email).sort()).toEqual(['a@example.com', 'd@example.com']);
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters.map((l) => [l.failureKind, l.source, l.reason]).sort()).toEqual([
      [
        'source',
        { _line: 3, raw: '2;b@example.com;"Bob" Jr' },
        expect.stringMatching(/^people\.csv line 3 cannot be read: cell 3 has text after its closing quote/),
      ],
      [
        'source',
        { _line: 4, raw: '3;c@example.com;Cy;extra' },
        'people.csv line 4 cannot be read: the row has 4 cells, the file has 3 columns (id, email, name)',
      ],
    ]);
  });

  it('mirror mode deletes nothing in a run where some rows could not be read', async () => {
    const { b } = await setup('mirror');
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'id;email;name\n1;a@example.com;Ann\n2;b@example.com;Bob\n');
    expect(await h.run('a-to-b')).toMatchObject({ counts: expect.objectContaining({ created: 2 }) });
    expect(b.records.size).toBe(2);
    // row 2 becomes unreadable: it was not seen, but that is no reason to delete it
    fs.writeFileSync(file, 'id;email;name\n1;a@example.com;Ann\n2;b@example.com;"Bob\n');
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ deleted: 0, deadLettered: 1 });
    expect(b.records.size).toBe(2);
    // row 2 gone for real (a complete, readable file without it): now it is deleted
    fs.writeFileSync(file, 'id;email;name\n1;a@example.com;Ann\n');
    expect((await h.run('a-to-b')).counts).toMatchObject({ deleted: 1 });
    expect(b.records.size).toBe(1);
  });
});
