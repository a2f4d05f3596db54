import fs from 'node:fs';
import path from 'node:path';
import { CliBed } from './helpers';

const CSV = [
  'Email,Phone,Full name,City,Country,Consent',
  'john.smith@example.com,+1 212-555-0123,John Smith,New York,US,no',
  'ivanov@mail.ru,8 (912) 345-67-89,Иванов Иван Иванович,СПб,Россия,да',
  '',
].join('\n');

/** A file flow (clean-contact-list) over two file connections, with the CSV in place. */
async function fileBed(): Promise<CliBed> {
  const bed = new CliBed();
  bed.setEnv({ HUB_FILES_ROOT: bed.dir });
  await bed.fileConnection('contacts', { path: 'contacts.csv' });
  await bed.fileConnection('cleaned', { output: 'clean/contacts.ndjson' });
  bed.write('files/contacts.csv', CSV);
  await bed.enableCleanContactList();
  return bed;
}

const runJson = async (bed: CliBed, ...extra: string[]) => {
  const result = await bed.hub('flows', 'run', 'clean-contact-list', '--json', ...extra);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { status: string; counts: Record<string, number> };
};

const outputLines = (bed: CliBed) =>
  fs
    .readFileSync(path.join(bed.dir, 'files', 'clean', 'contacts.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('hub flows reset', () => {
  let bed: CliBed;
  beforeEach(async () => {
    bed = await fileBed();
  });
  afterEach(() => bed.cleanup());

  it('makes the next run read everything again, and links keep that rerun write-free', async () => {
    expect((await runJson(bed)).counts).toMatchObject({ read: 2, created: 2 });
    // the checkpoint is past the end: an ordinary rerun reads nothing
    expect((await runJson(bed)).counts).toMatchObject({ read: 0 });

    const reset = await bed.hub('flows', 'reset', 'clean-contact-list');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('reset flow clean-contact-list: checkpoint discarded (1 cleared)');
    expect(reset.stdout).toContain('not written again');

    const rerun = await runJson(bed);
    expect(rerun).toMatchObject({ status: 'succeeded' });
    expect(rerun.counts).toMatchObject({ read: 2, unchanged: 2, created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(outputLines(bed)).toHaveLength(2);

    await bed.withHub(async (hub) => {
      const [entry] = await hub.repos.auditLog.list({ action: 'flow.reset' });
      expect(entry).toMatchObject({ actor: 'cli', entity: 'flow', after: { from: null } });
    });
  });

  it('--from stores where the next read starts; a stream that cannot read from a time reads everything', async () => {
    await runJson(bed);
    const reset = await bed.hub('flows', 'reset', 'clean-contact-list', '--from', '2026-01-31T00:00:00Z', '--json');
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ stream: 'records', from: '2026-01-31T00:00:00.000Z' });
    await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      expect(await hub.repos.checkpoints.get(flow.id, 'records')).toEqual({ resetFrom: '2026-01-31T00:00:00.000Z' });
    });
    expect((await runJson(bed)).counts).toMatchObject({ read: 2, unchanged: 2, created: 0, updated: 0 });
    // the run replaced the marker with the stream's own checkpoint
    expect((await runJson(bed)).counts).toMatchObject({ read: 0 });
  });

  it('refuses a time it cannot read, naming the flag', async () => {
    const bad = await bed.hub('flows', 'reset', 'clean-contact-list', '--from', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from yesterday: expected an ISO date');
    const future = await bed.hub('flows', 'reset', 'clean-contact-list', '--from', '2999-01-01');
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('must be a date in the past');
  });

  it('is refused while a run is in progress', async () => {
    await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      await hub.repos.runs.create({ flowId: flow.id, trigger: 'manual' });
    });
    const refused = await bed.hub('flows', 'reset', 'clean-contact-list');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has a run in progress \(run_\S+, queued\)/);
  });
});

describe('hub flows delete', () => {
  let bed: CliBed;
  beforeEach(async () => {
    bed = await fileBed();
  });
  afterEach(() => bed.cleanup());

  it('says what goes with the flow, and `connections remove` works after it', async () => {
    await runJson(bed);
    await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      await hub.repos.deadLetters.add({ flowId: flow.id, recordKey: 'x', reason: 'bad', failureKind: 'permanent' });
    });
    const blocked = await bed.hub('connections', 'remove', 'contacts');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('hub flows delete <flow>');

    const deleted = await bed.hub('flows', 'delete', 'clean-contact-list');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(
      /deleted flow clean-contact-list \(flw_\S+\) with its 1 run\(s\), 1 dead letter\(s\)/,
    );
    expect(deleted.stdout).toContain('record link(s)');
    expect(deleted.stdout).toContain('were deleted: no other flow uses them');
    expect((await bed.hub('flows', 'show', 'clean-contact-list')).code).not.toBe(0);

    const removed = await bed.hub('connections', 'remove', 'contacts');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed connection contacts');
    await bed.withHub(async (hub) => {
      const [entry] = await hub.repos.auditLog.list({ action: 'flow.delete' });
      expect(entry).toMatchObject({ actor: 'cli', after: { runs: 1, deadLetters: 1 } });
    });
  });

  it('keeps the links of a sync pair while the other flow uses them', async () => {
    await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      const definition = {
        ...flow.definition,
        name: 'pair-a',
        sync: { linkGroup: 'people', conflict: { policy: 'last-writer-wins' } },
      };
      await hub.repos.flows.create({ name: 'pair-a', definition, linkGroup: 'people' });
      await hub.repos.flows.create({
        name: 'pair-b',
        definition: { ...definition, name: 'pair-b' },
        linkGroup: 'people',
      });
    });
    const first = JSON.parse((await bed.hub('flows', 'delete', 'pair-a', '--json')).stdout);
    expect(first.links).toMatchObject({ linkGroup: 'people', kept: true, keptFor: ['pair-b'] });
    const second = JSON.parse((await bed.hub('flows', 'delete', 'pair-b', '--json')).stdout);
    expect(second.links).toMatchObject({ linkGroup: 'people', kept: false });
  });
});
