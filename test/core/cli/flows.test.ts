import path from 'node:path';
import { CliBed, FLOW_FIXTURES } from './helpers';

describe('hub flows (in-process)', () => {
  let bed: CliBed;

  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  async function enableCleanContactList() {
    await bed.fileConnection('exports', { path: 'contacts.csv' });
    await bed.fileConnection('clean', { output: 'contacts.ndjson' });
    return bed.hub(
      'flows',
      'enable',
      'clean-contact-list',
      '--connection',
      'contacts=exports',
      '--connection',
      'cleaned=clean',
    );
  }

  it('lists the shipped templates in plain language, and as JSON', async () => {
    const text = await bed.hub('flows', 'templates');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('clean-contact-list — Clean a contact list');
    expect(text.stdout).toContain(
      'enable: hub flows enable clean-contact-list --connection contacts=<name> --connection cleaned=<name>',
    );
    const list = JSON.parse((await bed.hub('flows', 'templates', '--json')).stdout) as { name: string }[];
    expect(list.map((t) => t.name)).toContain('clean-contact-list');
  });

  it('enables a template, then lists, shows, disables, enables and reports the status of its flow', async () => {
    const enabled = await enableCleanContactList();
    expect(enabled).toMatchObject({ code: 0, stderr: '' });
    expect(enabled.stdout).toBe(
      'enabled template clean-contact-list: created flow(s) clean-contact-list\n  clean-contact-list runs only when started (hub flows run)\n',
    );

    const list = await bed.hub('flows', 'list');
    expect(list.stdout).toMatch(
      /clean-contact-list\s+yes\s+manual\s+exports\/records\s+file-contacts-to-canonical\s+clean\/writeRecords/,
    );

    const shown = JSON.parse((await bed.hub('flows', 'show', 'clean-contact-list', '--json')).stdout);
    expect(shown).toMatchObject({ name: 'clean-contact-list', enabled: true, template: 'clean-contact-list' });
    expect((await bed.hub('flows', 'show', 'clean-contact-list')).stdout).toContain('definition:');

    expect((await bed.hub('flows', 'disable', 'clean-contact-list')).stdout).toMatch(
      /^disabled flow clean-contact-list/,
    );
    expect(JSON.parse((await bed.hub('flows', 'list', '--json')).stdout)[0].enabled).toBe(false);
    expect((await bed.hub('flows', 'enable', 'clean-contact-list')).stdout).toMatch(/^enabled flow clean-contact-list/);

    const status = await bed.hub('flows', 'status', 'clean-contact-list');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('pending dead letters: 0');
    expect(status.stdout).toContain('flow clean-contact-list: enabled, runs only when started (hub flows run)');
    const statusJson = JSON.parse((await bed.hub('flows', 'status', 'clean-contact-list', '--json')).stdout);
    expect(statusJson).toMatchObject({ runs: [], pendingDeadLetters: 0, flow: { name: 'clean-contact-list' } });
  });

  it('a template without its connections fails with one line naming the roles', async () => {
    const result = await bed.hub('flows', 'enable', 'clean-contact-list');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: template "clean-contact-list" is not valid: connections\.contacts: no connection given/,
    );
    expect(result.stderr).toContain('--connection cleaned=<connection name>');
  });

  it('an unknown flow or template says where to look', async () => {
    const result = await bed.hub('flows', 'enable', 'nothing-here');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no flow or template named "nothing-here"');
    expect(result.stderr).toContain('templates: clean-contact-list');
  });

  it('a sync-pair template becomes two flows in one link group', async () => {
    bed.setEnv({
      HUB_FLOWS_DIR: path.join(FLOW_FIXTURES, 'templates'),
      HUB_MAPPINGS_DIR: path.join(FLOW_FIXTURES, 'mappings'),
    });
    await bed.fileConnection('a', { path: 'a.csv', output: 'a.csv' });
    await bed.fileConnection('b', { path: 'b.csv', output: 'b.csv' });
    const result = await bed.hub(
      'flows',
      'enable',
      'file-sync-pair',
      '--connection',
      'left=a',
      '--connection',
      'right=b',
      '--name-prefix',
      'ab',
      '--json',
    );
    expect(result.code).toBe(0);
    const flows = JSON.parse(result.stdout) as { name: string; linkGroup: string }[];
    expect(flows.map((f) => [f.name, f.linkGroup])).toEqual([
      ['ab-left-to-right', 'ab-contacts'],
      ['ab-right-to-left', 'ab-contacts'],
    ]);
    const status = JSON.parse((await bed.hub('flows', 'status', 'ab-left-to-right', '--json')).stdout);
    expect(typeof status.nextRunAt).toBe('number');
  });

  it('create --file refuses an invalid flow with the field and the fix, and accepts a valid one', async () => {
    await bed.fileConnection('exports', { path: 'contacts.csv' });
    await bed.fileConnection('clean', { output: 'clean.ndjson' });
    const definition = {
      name: 'my-flow',
      source: { connection: 'exports', stream: 'records' },
      mapping: { id: 'file-contacts-to-canonical' },
      target: { connection: 'clean', action: 'writeRecords' },
      trigger: { type: 'schedule', cron: '*/30 * * * *' },
      mode: 'upsert',
      options: { batchSize: 50000 },
    };
    const bad = await bed.hub('flows', 'create', '--file', bed.write('bad.json', definition));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: flow "my-flow" is not valid: options\.batchSize: 50000 .* use at most 1000/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const { options: _options, ...valid } = definition;
    const good = await bed.hub('flows', 'create', '--file', bed.write('good.json', valid), '--enable');
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toMatch(/^created flow my-flow \(flw_[0-9a-z]+\), enabled/);

    const broken = await bed.hub('flows', 'create', '--file', bed.write('broken.json', '{ "name": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: --file \S+broken\.json is not valid JSON/);
  });

  it('show and status of a missing flow fail with one line', async () => {
    const result = await bed.hub('flows', 'show', 'ghost');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('ghost');
  });
});
