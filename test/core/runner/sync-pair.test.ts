import type { ConflictPolicy } from '../../../core/flows/schema';
import type { MemoryConnector } from '../../fixtures/connectors/memory';
import { createHarness, type Harness } from './harness';

/**
 * A sync pair: crm → mail and mail → crm share one link group. Vendor writes set updatedAt from the test clock,
 * so every change (a user's or the hub's) has a distinct, increasing modification time.
 */
describe('sync pairs', () => {
  let h: Harness;
  let crm: MemoryConnector & { connectionId: string };
  let mail: MemoryConnector & { connectionId: string };
  afterEach(async () => {
    await h.close();
  });

  async function pair(
    conflictAB: ConflictPolicy,
    conflictBA: ConflictPolicy,
    expression = '{ "email": email, "name": name, "status": status }',
  ) {
    h = await createHarness();
    crm = await h.connector('crm', { pageSize: 3 });
    mail = await h.connector('mail', { pageSize: 3 });
    await h.mapping('contact', expression);
    await h.flow({
      name: 'crm-to-mail',
      source: { connection: 'crm', stream: 'contacts' },
      target: { connection: 'mail', action: 'upsertContacts' },
      sync: { linkGroup: 'contacts', conflict: conflictAB },
    });
    await h.flow({
      name: 'mail-to-crm',
      source: { connection: 'mail', stream: 'contacts' },
      target: { connection: 'crm', action: 'upsertContacts' },
      sync: { linkGroup: 'contacts', conflict: conflictBA },
    });
  }

  const writes = (c: MemoryConnector) => c.accepted('write').reduce((n, call) => n + call.ids.length, 0);

  async function both(
    order: ['crm-to-mail', 'mail-to-crm'] | ['mail-to-crm', 'crm-to-mail'] = ['crm-to-mail', 'mail-to-crm'],
  ) {
    for (const flow of order) expect((await h.run(flow)).status).toBe('succeeded');
  }

  const lww: ConflictPolicy = { policy: 'last-writer-wins' };

  it('writes a change once to the other side and never bounces it back (echo suppression)', async () => {
    await pair(lww, lww);
    crm.put({ id: 'c1', email: 'ann@example.com', name: 'Ann', status: 'active' });
    crm.put({ id: 'c2', email: 'bob@example.com', name: 'Bob', status: 'active' });
    crm.put({ id: 'c3', email: 'cy@example.com', name: 'Cy', status: 'active' });

    await both();
    expect(mail.records.size).toBe(3);
    expect(writes(mail)).toBe(3);
    expect(writes(crm)).toBe(0); // mail → crm recognised its own echo of the three records

    for (let i = 0; i < 3; i++) await both();
    expect([writes(crm), writes(mail)]).toEqual([0, 3]);

    // a change in the CRM is written once to mail, and not back
    crm.change('c2', { name: 'Robert' });
    for (let i = 0; i < 3; i++) await both();
    expect(mail.byEmail('bob@example.com')?.name).toBe('Robert');
    expect([writes(crm), writes(mail)]).toEqual([0, 4]);

    // a change in mail is written once to the CRM, and not back
    const cy = mail.byEmail('cy@example.com');
    mail.change(cy?.id as string, { status: 'unsubscribed' });
    for (let i = 0; i < 3; i++) await both(['mail-to-crm', 'crm-to-mail']);
    expect(crm.get('c3')?.status).toBe('unsubscribed');
    expect([writes(crm), writes(mail)]).toEqual([1, 4]);

    // a change back to an earlier value is a change too
    crm.change('c2', { name: 'Bob' });
    await both();
    await both();
    expect(mail.byEmail('bob@example.com')?.name).toBe('Bob');
    expect([writes(crm), writes(mail)]).toEqual([1, 5]);
  });

  describe('last writer wins (by source modification time)', () => {
    async function conflict(
      newer: 'crm' | 'mail',
      order: ['crm-to-mail', 'mail-to-crm'] | ['mail-to-crm', 'crm-to-mail'],
    ) {
      await pair(lww, lww);
      crm.put({ id: 'c1', email: 'ann@example.com', name: 'Ann', status: 'active' });
      await both();
      const m1 = mail.byEmail('ann@example.com')?.id as string;
      // the same field changed on both sides between runs; the clock says which change is newer
      if (newer === 'mail') {
        crm.change('c1', { name: 'Ann from CRM' });
        mail.change(m1, { name: 'Ann from mail' });
      } else {
        mail.change(m1, { name: 'Ann from mail' });
        crm.change('c1', { name: 'Ann from CRM' });
      }
      await both(order);
      await both(order);
      return { m1, expected: newer === 'crm' ? 'Ann from CRM' : 'Ann from mail' };
    }

    it.each([
      ['mail', ['crm-to-mail', 'mail-to-crm']],
      ['mail', ['mail-to-crm', 'crm-to-mail']],
      ['crm', ['crm-to-mail', 'mail-to-crm']],
      ['crm', ['mail-to-crm', 'crm-to-mail']],
    ] as const)('the %s change is newer, runs %j: the newer value wins on both sides', async (newer, order) => {
      const { m1, expected } = await conflict(newer, [...order] as never);
      expect(crm.get('c1')?.name).toBe(expected);
      expect(mail.get(m1)?.name).toBe(expected);
      // the older change was never written over the newer one: one write to the side that lost
      expect(writes(newer === 'crm' ? crm : mail)).toBe(newer === 'crm' ? 0 : 1);
      expect(writes(newer === 'crm' ? mail : crm)).toBe(newer === 'crm' ? 2 : 1);
    });
  });

  describe('field ownership', () => {
    it.each([[['crm-to-mail', 'mail-to-crm']], [['mail-to-crm', 'crm-to-mail']]] as const)(
      'each side writes only the fields it owns, in either order (%j)',
      async (order) => {
        await pair({ policy: 'field-ownership', owns: ['name'] }, { policy: 'field-ownership', owns: ['status'] });
        crm.put({ id: 'c1', email: 'ann@example.com', name: 'Ann', status: 'active' });
        mail.put({ id: 'm1', email: 'ann@example.com', name: 'Ann', status: 'active' });
        await both();
        expect(mail.records.size).toBe(1);

        // both fields changed on both sides between runs
        crm.change('c1', { name: 'Ann (CRM)', status: 'inactive (CRM)' });
        mail.change('m1', { name: 'Ann (mail)', status: 'unsubscribed (mail)' });
        const before = [writes(crm), writes(mail)];
        await both([...order] as never);
        await both([...order] as never);

        // the CRM owns names, mail owns the subscription status
        expect(crm.get('c1')).toMatchObject({ name: 'Ann (CRM)', status: 'unsubscribed (mail)' });
        expect(mail.get('m1')).toMatchObject({ name: 'Ann (CRM)', status: 'unsubscribed (mail)' });
        expect([writes(crm) - before[0], writes(mail) - before[1]]).toEqual([1, 1]);
        // only owned fields (and the identity) were ever sent
        const keys = (c: MemoryConnector) => [
          ...new Set(c.accepted('write').flatMap((call) => call.sent.flatMap(Object.keys))),
        ];
        expect(keys(mail).sort()).toEqual(['email', 'name']);
        expect(keys(crm).sort()).toEqual(['email', 'status']);
      },
    );
  });

  it('a stale read never overwrites a newer value (any flow with a modification time)', async () => {
    h = await createHarness();
    crm = await h.connector('crm');
    mail = await h.connector('mail');
    await h.mapping('contact', '{ "email": email, "name": name }');
    const flow = await h.flow({
      name: 'crm-to-mail',
      source: { connection: 'crm', stream: 'contacts' },
      target: { connection: 'mail', action: 'upsertContacts' },
    });
    crm.put({ id: 'c1', email: 'ann@example.com', name: 'Ann' });
    await h.run('crm-to-mail');
    const old = { ...(crm.get('c1') as Record<string, unknown>) };
    crm.change('c1', { name: 'Ann v2' });
    await h.run('crm-to-mail');
    expect(mail.byEmail('ann@example.com')?.name).toBe('Ann v2');

    // a lagging replica serves the old version again, and the source is read again from the start
    crm.put(old as never);
    await h.repos.checkpoints.clear(flow.id);
    const run = await h.run('crm-to-mail');
    expect(run.counts).toMatchObject({ read: 1, updated: 0, unchanged: 1 });
    expect(mail.byEmail('ann@example.com')?.name).toBe('Ann v2');
  });
});
