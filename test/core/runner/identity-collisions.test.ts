import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connector as hubspotConnector } from '../../../connectors/hubspot';
import { startSandbox as startHubSpot } from '../../../connectors/hubspot/sandbox';
import { connector as mailchimpConnector } from '../../../connectors/mailchimp';
import { startSandbox as startMailchimp } from '../../../connectors/mailchimp/sandbox';
import { createHarness, type Harness } from './harness';

/**
 * Identity collisions: source records that resolve to one destination record (the same address in NFC and NFD,
 * or with a `mailto:` prefix) do not overwrite each other on every run. The most recently modified one wins, the
 * other is linked as its duplicate and reported in the run; a rerun makes zero writes and no new dead letter.
 */
const MAPPING = '{ "email": $normalizeEmail(email), "name": name }';
const NFC = 'jos\u00e9@example.com';
const NFD = 'jose\u0301@example.com';

describe('identity collisions', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup(pageSize: number) {
    h = await createHarness();
    const a = await h.connector('a', { pageSize });
    const b = await h.connector('b');
    await h.mapping('contact', MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });
    // read order is by modification time: a1, a2, a3, a4 (the twins of each pair are far apart in time)
    a.put({ id: 'a1', email: NFC, name: 'José (NFC)' });
    a.put({ id: 'a2', email: 'mailto:Ann@Example.com', name: 'Ann (mailto)' });
    a.put({ id: 'a3', email: NFD, name: 'José (NFD)' });
    a.put({ id: 'a4', email: 'ann@example.com', name: 'Ann' });
    return { a, b, flow };
  }

  async function duplicatesOf(runId: string) {
    return (await h.repos.runs.failures(runId)).filter((f) => f.failureKind === 'duplicate');
  }

  it.each([
    ['on one page', 10],
    ['on different pages', 2],
  ])('NFC/NFD and mailto: twins %s: first run reports the duplicates, a rerun writes nothing', async (_, pageSize) => {
    const { a, b, flow } = await setup(pageSize);
    const first = await h.run('a-to-b');
    expect(first.status).toBe('succeeded');
    expect(first.counts.failed).toBe(0);
    // one destination record per person, holding the most recently modified twin
    expect([...b.records.values()].map((r) => [r.email, r.name]).sort()).toEqual([
      ['ann@example.com', 'Ann'],
      [NFC, 'José (NFD)'],
    ]);
    const reported = await duplicatesOf(first.id);
    expect(reported.map((d) => d.recordKey).sort()).toEqual(['a1', 'a2']);
    expect(reported.find((d) => d.recordKey === 'a1')?.reason).toMatch(/duplicate of source record a3/);
    // the loser is linked to the winner's entity, as its duplicate
    const loser = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a1' });
    const winner = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a3' });
    expect(loser).toMatchObject({ duplicateOf: 'a3', entityId: winner?.entityId });

    // a rerun over the same records (read again from the start): zero writes, zero new dead letters
    await h.repos.checkpoints.clear(flow.id);
    const writes = b.calls.filter((c) => c.kind === 'write').length;
    const second = await h.run('a-to-b');
    expect(second.counts).toMatchObject({ read: 4, created: 0, updated: 0, failed: 0, deadLettered: 0 });
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(writes);
    expect(await h.repos.deadLetters.count({ flowId: flow.id })).toBe(0);
    expect((await duplicatesOf(second.id)).map((d) => d.recordKey).sort()).toEqual(['a1', 'a2']);
    // and again: still nothing
    await h.repos.checkpoints.clear(flow.id);
    const third = await h.run('a-to-b');
    expect(third.counts).toMatchObject({ created: 0, updated: 0 });
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(writes);
  });

  it('the rule follows modification: when the duplicate changes later, it becomes the winner (written once)', async () => {
    const { a, b, flow } = await setup(10);
    await h.run('a-to-b');
    a.change('a1', { name: 'José (NFC, edited)' });
    const run = await h.run('a-to-b'); // reads a1 (changed) and the newest records
    expect(run.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(b.byEmail(NFC)?.name).toBe('José (NFC, edited)');
    const a1 = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a1' });
    const a3 = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a3' });
    expect(a1?.duplicateOf).toBeUndefined();
    expect(a3?.duplicateOf).toBe('a1');
    await h.repos.checkpoints.clear(flow.id);
    const writes = b.calls.filter((c) => c.kind === 'write').length;
    const again = await h.run('a-to-b');
    expect(again.counts).toMatchObject({ created: 0, updated: 0 });
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(writes);
  });
});

describe('identity collisions against the HubSpot and Mailchimp sandboxes (the shipped mapping)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('HubSpot twins (NFC/NFD, mailto:) → one Mailchimp member each; the rerun sends no batch', async () => {
    const crm = await startHubSpot({ enforceLimits: false });
    const list = await startMailchimp({ enforceLimits: false });
    try {
      h = await createHarness();
      await h.register('crm', hubspotConnector, crm.settings as unknown as Record<string, unknown>);
      await h.register('email', mailchimpConnector, list.settings as unknown as Record<string, unknown>);
      const expression = readFileSync(
        path.join(__dirname, '../../../mappings/hubspot-contact-to-mailchimp-member/expression.jsonata'),
        'utf8',
      );
      await h.mapping('contact', expression);
      const flow = await h.flow({
        name: 'crm-to-email',
        source: { connection: 'crm', stream: 'contacts' },
        target: { connection: 'email', action: 'upsertMembers' },
      });
      const consent = { marketing_consent: 'true' };
      await crm.upsertContact({ email: NFC, firstname: 'José', ...consent });
      await crm.upsertContact({ email: 'MAILTO:ann@example.com', firstname: 'Ann', ...consent });
      await crm.upsertContact({ email: NFD, firstname: 'Josep', ...consent });
      await crm.upsertContact({ email: 'ann@example.com', firstname: 'Annie', ...consent });
      crm.setModifiedTime('all', Date.now() - 60_000); // then the twins apart in time, NFD and plain newest
      const ids = [...crm.contacts.values()].map((c) => c.id);
      crm.setModifiedTime([ids[2], ids[3]], Date.now() - 30_000);
      expect(crm.contacts.size).toBe(4); // HubSpot keeps them apart: four contacts

      const first = await h.run('crm-to-email');
      expect(first).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ read: 4, failed: 0 }) });
      expect(list.members.size).toBe(2);
      expect(list.member(NFC)?.merge_fields.FNAME).toBe('Josep');
      expect(list.member('ann@example.com')?.merge_fields.FNAME).toBe('Annie');
      const reported = (await h.repos.runs.failures(first.id)).filter((f) => f.failureKind === 'duplicate');
      expect(reported.map((d) => d.recordKey).sort()).toEqual([ids[0], ids[1]].sort());

      await h.repos.checkpoints.clear(flow.id);
      const batches = () => list.server.count({ route: 'POST /3.0/lists/:list_id' });
      const before = batches();
      const second = await h.run('crm-to-email');
      expect(second.counts).toMatchObject({ read: 4, created: 0, updated: 0, failed: 0, deadLettered: 0 });
      expect(batches()).toBe(before);
      expect(await h.repos.deadLetters.count({ flowId: flow.id })).toBe(0);
    } finally {
      await Promise.all([crm.close(), list.close()]);
    }
  });
});
