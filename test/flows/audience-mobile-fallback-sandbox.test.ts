import { flowServiceFor } from '../../core/runtime/flow-service';
import type { Hub } from '../../core/runtime/hub';
import { runToEnd } from '../../core/sandbox/demo';
import { heldReasons, metaAudienceHashes, sha, useAdSandboxes, writes, type Run } from './ad-sandboxes';

/**
 * The HubSpot list → Meta / Google audience templates (mappings 1.2.0, issue #16), run as a user runs them against
 * the sandboxes, on contacts whose `phone` is no number by the platform's rules ("n/a", a national number without a
 * country) next to a valid `mobilephone`: the mobile reaches the audience, hashed exactly once, and takes the contact
 * out again when consent is withdrawn; a usable phone still wins over the mobile; a contact with neither number nor
 * e-mail is held with a reason a marketer can read. Before 1.2.0 the unusable phone hid the mobile and the first two
 * contacts were held.
 */

describe('audience templates take the mobile when the phone is no number', () => {
  const s = useAdSandboxes({ contactProperties: ['ad_audience', 'zip'] });

  /** Consented contacts on the audience list, none with an e-mail but the one whose phone is usable. */
  function seed(): Record<string, string> {
    const at = Date.now() - 60_000;
    const listed = { ad_audience: 'true', marketing_consent: 'true' };
    const people: Record<string, Record<string, string>> = {
      notANumber: { ...listed, phone: 'n/a', mobilephone: '+7 (921) 123-45-67', country: 'RU' },
      // a national number with no country: its country code is unknown, so it is no number to send
      national: { ...listed, phone: '(650) 555-1212', mobilephone: '+44 7911 123456' },
      bothUsable: {
        ...listed,
        email: 'both@example.com',
        phone: '+1 212 555 0123',
        mobilephone: '+7 921 765-43-21',
      },
      neither: { ...listed, phone: 'n/a', mobilephone: '12', firstname: 'Nobody' },
    };
    const ids: Record<string, string> = {};
    for (const [key, properties] of Object.entries(people)) {
      s.crm.contacts.create(properties, at);
      ids[key] = [...s.crm.contacts.values()].at(-1)!.id;
    }
    return ids;
  }

  const heldReason = async (hub: Hub, run: Run, id: string) => (await heldReasons(hub, run)).get(id);

  /** Withdraws the consent of contact `id` in HubSpot. */
  function withdraw(id: string): void {
    s.crm.contacts.get(id)!.properties.marketing_consent = 'false';
    s.crm.setModifiedTime([id], Date.now());
  }

  it('hubspot-list-to-meta-audience: the mobile joins and leaves, hashed once', async () => {
    const ids = seed();
    const hashes = () => metaAudienceHashes(s);
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-meta-audience', {
        connections: { hubspot: 'crm', meta: 'ads-meta' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-meta-audience');
      expect(adds.counts).toMatchObject({ read: 4, failed: 0 });
      expect(s.meta.members()).toBe(3);
      const sent = hashes();
      for (const value of sent) expect(value).toMatch(/^(?:[0-9a-f]{64})?$/);
      expect(sent.has(sha('79211234567'))).toBe(true); // the mobile of "n/a"
      expect(sent.has(sha(sha('79211234567')))).toBe(false);
      expect(sent.has(sha('447911123456'))).toBe(true); // the mobile of the national phone
      expect(sent.has(sha('6505551212'))).toBe(false); // never sent as if international
      expect(sent.has(sha('12125550123'))).toBe(true); // a usable phone wins over the mobile
      expect(sent.has(sha('79217654321'))).toBe(false);
      expect(await heldReason(hub, adds, ids.neither!)).toBe(
        'neither a usable e-mail nor a phone number: Meta cannot match this person',
      );

      // consent withdrawn: the removal flow finds the contact by the same mobile
      await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      withdraw(ids.notANumber!);
      const removals = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(removals.counts.failed).toBe(0);
      expect(writes(removals)).toBe(1);
      expect(s.meta.members()).toBe(2);
      expect(hashes().has(sha('79211234567'))).toBe(false);
    });
  }, 120_000);

  it('hubspot-list-to-google-customer-match: the mobile joins and leaves, hashed once', async () => {
    const ids = seed();
    const digests = () =>
      new Set(
        [...s.google.store.list(s.google.settings.userListId!).values()]
          .flat()
          .map((id) => JSON.parse(id) as unknown)
          .filter((id): id is string => typeof id === 'string'),
      );
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-google-customer-match', {
        connections: { hubspot: 'crm', google: 'ads-google' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match');
      expect(adds.counts).toMatchObject({ read: 4, failed: 0 });
      expect(s.google.memberCount()).toBe(3);
      const sent = digests();
      for (const value of sent) expect(value).toMatch(/^[0-9a-f]{64}$/);
      expect(sent.has(sha('+79211234567'))).toBe(true);
      expect(sent.has(sha(sha('+79211234567')))).toBe(false);
      expect(sent.has(sha('+447911123456'))).toBe(true);
      expect(sent.has(sha('+16505551212'))).toBe(false);
      expect(sent.has(sha('+12125550123'))).toBe(true);
      expect(sent.has(sha('+79217654321'))).toBe(false);
      expect(await heldReason(hub, adds, ids.neither!)).toBe(
        'neither a usable e-mail nor a phone number: Google cannot match this person',
      );

      await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      withdraw(ids.notANumber!);
      const removals = await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      expect(removals.counts.failed).toBe(0);
      expect(writes(removals)).toBe(1);
      expect(s.google.memberCount()).toBe(2);
      expect(s.google.memberCount(sha('+79211234567'))).toBe(0);
    });
  }, 120_000);
});
