import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startSandboxWorkspace, workspaceNotice, type SandboxWorkspace } from '../../../core/sandbox/workspace';
import { runHub } from '../../helpers/hub-process';
import { CliBed } from './helpers';

const PAIR = ['hubspot-mailchimp-contacts', '--connection', 'hubspot=crm', '--connection', 'mailchimp=news'];

describe('hub flows enable: the schedule in words and the first run time', () => {
  let bed: CliBed;
  beforeEach(async () => {
    bed = new CliBed();
    const crm = bed.write('crm.json', { accessToken: 'pat-na1-0123456789' });
    const news = bed.write('news.json', { apiKey: '0123456789abcdef-us7', listId: 'abc123' });
    expect((await bed.hub('connections', 'add', 'hubspot', '--name', 'crm', '--settings', crm)).code).toBe(0);
    expect((await bed.hub('connections', 'add', 'mailchimp', '--name', 'news', '--settings', news)).code).toBe(0);
  });
  afterEach(() => bed.cleanup());

  it("says the template's schedule and when it first runs", async () => {
    const result = await bed.hub('flows', 'enable', ...PAIR);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /hubspot-contacts-to-mailchimp runs every 15 minutes; first run at (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/,
    );
    expect(result.stdout).toMatch(/mailchimp-members-to-hubspot runs every 15 minutes; first run at/);
    expect(result.stdout).toContain('--schedule manual');
    const json = JSON.parse((await bed.hub('flows', 'show', 'hubspot-contacts-to-mailchimp', '--json')).stdout);
    expect(json.definition.trigger).toEqual({ type: 'schedule', cron: '*/15 * * * *' });
  });

  it('--schedule manual: the flows run only when started', async () => {
    const result = await bed.hub('flows', 'enable', ...PAIR, '--schedule', 'manual', '--json');
    expect(result.code).toBe(0);
    const flows = JSON.parse(result.stdout) as { definition: { trigger: unknown }; schedule: { words: string } }[];
    expect(flows).toHaveLength(2);
    for (const flow of flows) {
      expect(flow.definition.trigger).toEqual({ type: 'manual' });
      expect(flow.schedule.words).toBe('runs only when started (hub flows run)');
      expect(flow.schedule).not.toHaveProperty('firstRunAt');
    }
  });

  it('--schedule <cron> with --timezone', async () => {
    const result = await bed.hub('flows', 'enable', ...PAIR, '--schedule', '0 6 * * *', '--timezone', 'Europe/Moscow');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /hubspot-contacts-to-mailchimp runs daily at 06:00 \(Europe\/Moscow\); first run at (\d{4}-\d{2}-\d{2} )?06:00 Europe\/Moscow/,
    );
  });

  it('refuses a schedule that is not one, naming the field, and creates nothing', async () => {
    const result = await bed.hub('flows', 'enable', ...PAIR, '--schedule', 'every day');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('trigger.cron');
    expect(JSON.parse((await bed.hub('flows', 'list', '--json')).stdout)).toEqual([]);
  });
});

describe('first-start hint', () => {
  let bed: CliBed;
  const open: SandboxWorkspace[] = [];
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
    bed.cleanup();
  });

  it('prints the enable command only while the template is not enabled', async () => {
    const first = await bed.withHub(async (hub) => startSandboxWorkspace(hub, { seedContacts: 10 }));
    open.push(first!);
    expect(workspaceNotice(first!)).toContain('npx hub flows enable hubspot-mailchimp-contacts');
    await first!.close();
    open.splice(0);

    const enabled = await bed.hub(
      'flows',
      'enable',
      'hubspot-mailchimp-contacts',
      '--connection',
      'hubspot=sandbox-hubspot',
      '--connection',
      'mailchimp=sandbox-mailchimp',
    );
    expect(enabled.code).toBe(0);

    const second = await bed.withHub(async (hub) => startSandboxWorkspace(hub, { seedContacts: 10 }));
    open.push(second!);
    const notice = workspaceNotice(second!);
    expect(notice).not.toContain('flows enable hubspot-mailchimp-contacts');
    // the SendGrid template is not enabled yet: its command stays
    expect(notice).toContain('flows enable hubspot-sendgrid-contacts');
    expect(notice).toContain('Template hubspot-mailchimp-contacts is enabled against them');
    expect(notice).toContain('npx hub flows run hubspot-contacts-to-mailchimp');
  });
});

describe('--file reads only regular files up to 1 MiB (or - for standard input)', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  it('refuses /dev/zero, a FIFO, a folder and a file that is too large, with a clear message', async () => {
    const zero = await bed.hub('flows', 'create', '--file', '/dev/zero');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--file /dev/zero is a device; give a regular file (up to 1 MiB)');

    const fifo = path.join(bed.dir, 'flow.fifo');
    execFileSync('mkfifo', [fifo]);
    const piped = await bed.hub('flows', 'create', '--file', fifo);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('is a named pipe (FIFO)');

    const folder = await bed.hub('flows', 'create', '--file', bed.dir);
    expect(folder.stderr).toContain('is a folder');

    const big = bed.write('big.json', `{"name":"${'x'.repeat(1024 * 1024)}"}`);
    const large = await bed.hub('flows', 'create', '--file', big);
    expect(large.code).toBe(2);
    expect(large.stderr).toContain('is larger than 1 MiB');

    const settings = await bed.hub('connections', 'add', 'file', '--name', 'x', '--settings', '/dev/zero');
    expect(settings.code).toBe(2);
    expect(settings.stderr).toContain('--settings /dev/zero is a device');
  });

  it('caps standard input too (the real binary, fed 1 MiB and more)', () => {
    const env = { HUB_DATA_DIR: path.join(bed.dir, 'data'), HUB_LOG_LEVEL: 'silent' };
    const flooded = runHub(['flows', 'create', '--file', '-'], env, ' '.repeat(1024 * 1024 + 10));
    expect(flooded.status).toBe(2);
    expect(flooded.stderr).toContain('--file on standard input is larger than 1 MiB');
    const small = runHub(['flows', 'create', '--file', '-'], env, '{"name":"x"}');
    expect(small.status).toBe(2);
    expect(small.stderr).not.toContain('--file');
  });

  it('still reads an ordinary file (and a missing or broken one says so)', async () => {
    // read and parsed: the definition itself is what gets refused, field by field
    const read = await bed.hub('flows', 'create', '--file', bed.write('flow.json', { name: 'x' }));
    expect(read.code).toBe(2);
    expect(read.stderr).toContain('source');
    expect(read.stderr).not.toContain('--file');
    const missing = await bed.hub('flows', 'create', '--file', path.join(bed.dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const broken = await bed.hub('flows', 'create', '--file', bed.write('broken.json', '{"name": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
  });
});
