import { CliBed } from '../../core/cli/helpers';

/**
 * Settings and flow definitions are checked all at once: one answer lists every problem and names each property
 * (before: "must NOT have additional properties" without the name; flow problems in three rounds — shape, then
 * references, then the name).
 */
describe('every problem in one answer', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed();
    bed.setEnv({ HUB_FILES_ROOT: bed.dir }); // the file connector reads only inside its roots
  });
  afterEach(() => bed.cleanup());

  it('connection settings: names the unknown property and reports the other problems with it', async () => {
    const file = bed.write('settings.json', { directory: bed.dir, delimeter: ';', pageSize: 'many' });
    const result = await bed.hub('connections', 'add', 'file', '--name', 'typo', '--settings', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('settings.delimeter: is not a known setting');
    expect(result.stderr).toContain('settings.pageSize');
    expect(result.stderr).not.toContain('must NOT have additional properties');
  });

  it('a flow definition: shape, references and the name, all in one answer', async () => {
    await bed.fileConnection('exports', { path: 'contacts.csv' });
    await bed.fileConnection('clean', { output: 'clean.ndjson' });
    const valid = {
      name: 'my-flow',
      source: { connection: 'exports', stream: 'records' },
      mapping: { id: 'file-contacts-to-canonical' },
      target: { connection: 'clean', action: 'writeRecords' },
      trigger: { type: 'manual' },
      mode: 'upsert',
    };
    expect((await bed.hub('flows', 'create', '--file', bed.write('good.json', valid))).code).toBe(0);

    const broken = {
      ...valid,
      sourse: 'typo', // shape: an unknown property
      source: { connection: 'nowhere', stream: 'records' }, // reference: no such connection
      target: { connection: 'clean', action: 'sendRockets' }, // reference: no such action
      mapping: { id: 'no-such-mapping' }, // reference: no such mapping
    };
    const result = await bed.hub('flows', 'create', '--file', bed.write('bad.json', broken));
    expect(result.code).toBe(2);
    const text = result.stderr;
    expect(text).toContain('sourse');
    expect(text).toContain('source.connection');
    expect(text).toContain('target.action');
    expect(text).toContain('mapping.id');
    expect(text).toContain('name'); // "my-flow" exists already
    expect(text).toMatch(/a flow named "my-flow" already exists/);
  });
});
