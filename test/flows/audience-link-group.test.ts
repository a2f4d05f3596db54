import { createHash } from 'node:crypto';
import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { useAdSandboxes } from './ad-sandboxes';

/**
 * The audience templates' additions and removals share one link group, and the removals flow writes only where
 * the hub added (options.onlyWritten). So a contact without marketing consent never reaches the ad platform — not
 * even hashed inside a removal — and a contact who leaves and rejoins the list is removed and added again.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
type Run = Awaited<ReturnType<typeof runToEnd>>;
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;

describe('audience templates: removals only of what the hub added', () => {
  const s = useAdSandboxes({ contactProperties: ['ad_audience', 'zip'] });

  function seed(): Record<string, string> {
    const at = Date.now() - 60_000;
    const people: Record<string, Record<string, string>> = {
      ivan: { email: 'ivan.petrov@example.com', firstname: 'Ivan', marketing_consent: 'true', ad_audience: 'true' },
      saidNo: { email: 'said.no@example.com', firstname: 'Said No', marketing_consent: 'false', ad_audience: 'true' },
      neverAsked: { email: 'never.asked@example.com', firstname: 'Never Asked', ad_audience: 'true' },
    };
    const ids: Record<string, string> = {};
    for (const [key, properties] of Object.entries(people)) {
      s.crm.contacts.create(properties, at);
      ids[key] = [...s.crm.contacts.values()].at(-1)!.id;
    }
    return ids;
  }

  function touch(id: string, properties: Record<string, string>): void {
    Object.assign(s.crm.contacts.get(id)!.properties, properties);
    s.crm.setModifiedTime([id], Date.now());
  }

  it('Meta: listed contacts without consent get no removal request; leaving removes once, rejoining adds again', async () => {
    const ids = seed();
    const deletes = () => s.meta.server.count({ route: 'DELETE /:v/:node/users' });
    const inAudience = (email: string) =>
      new Set([...s.meta.state.audience(s.meta.settings.audienceId!).members.values()].flat()).has(sha(email));
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-meta-audience', {
        connections: { hubspot: 'crm', meta: 'ads-meta' },
      });
      await runToEnd(hub, engine, 'hubspot-list-to-meta-audience');
      expect(s.meta.members()).toBe(1);
      expect(inAudience('ivan.petrov@example.com')).toBe(true);

      // the two listed contacts without consent: held by the removals flow, no request at all
      const removals = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(removals.counts.failed).toBe(0);
      expect(writes(removals)).toBe(0);
      expect(deletes()).toBe(0);
      const held = await hub.repos.runRecords.list(removals.id, { outcome: 'held' });
      expect(held.map((r) => [r.label, r.reason]).sort()).toEqual([
        ['ivan.petrov@example.com', 'on the audience list with marketing consent: stays in the audience'],
        ['never.asked@example.com', 'not written to the target by this link group before: nothing to remove'],
        ['said.no@example.com', 'not written to the target by this link group before: nothing to remove'],
      ]);

      // Ivan leaves the list: one removal; a rerun sends nothing
      touch(ids.ivan!, { ad_audience: 'false' });
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-meta-audience'))).toBe(0);
      const leave = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(writes(leave)).toBe(1);
      expect(deletes()).toBe(1);
      expect(inAudience('ivan.petrov@example.com')).toBe(false);
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience'))).toBe(0);

      // he rejoins with consent: added again (the additions flow sees the removal written since its own write)
      touch(ids.ivan!, { ad_audience: 'true' });
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-meta-audience'))).toBe(1);
      expect(inAudience('ivan.petrov@example.com')).toBe(true);
      expect(deletes()).toBe(1);
    });
  }, 120_000);

  it('Google Customer Match: the same, and saying no after joining removes once', async () => {
    const ids = seed();
    const removeRequests = () => s.google.server.log.filter((e) => e.path.endsWith('audienceMembers:remove')).length;
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-google-customer-match', {
        connections: { hubspot: 'crm', google: 'ads-google' },
      });
      await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match');
      expect(s.google.memberCount()).toBe(1);
      const removals = await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      expect(writes(removals)).toBe(0);
      expect(removeRequests()).toBe(0);

      touch(ids.ivan!, { marketing_consent: 'false' });
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match'))).toBe(1);
      expect(removeRequests()).toBe(1);
      expect(s.google.memberCount(sha('ivan.petrov@example.com'))).toBe(0);

      touch(ids.ivan!, { marketing_consent: 'true' });
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match'))).toBe(1);
      expect(s.google.memberCount(sha('ivan.petrov@example.com'))).toBe(1);
    });
  }, 120_000);
});
