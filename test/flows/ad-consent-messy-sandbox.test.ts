import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { heldReasons, metaAudienceHashes, sha, useAdSandboxes, writes } from './ad-sandboxes';

/**
 * The HubSpot list → Meta / Google audience templates, run as a user runs them against the sandboxes, on contacts
 * whose consent is typed every way people type it ("Yes ", " TRUE", "granted", "No", "0", "нет", empty, missing),
 * with identifiers already hashed upstream, a phone with an extension, and a national phone with no country. What
 * reaches the sandbox audience is the proof: no contact without marketing consent, every identifier a SHA-256 digest
 * hashed exactly once, and every contact left out held with a reason a marketer can read.
 */

const NO_CONSENT = 'no marketing consent in HubSpot (marketing_consent is not true): never sent to an ad platform';

describe('audience templates on messy consent values and identifiers', () => {
  const s = useAdSandboxes({ contactProperties: ['ad_audience', 'zip'] });

  /** Contacts on the audience list; only the first three gave consent in a form the templates take. */
  function seed(): Record<string, string> {
    const at = Date.now() - 60_000;
    const listed = { ad_audience: 'TRUE' };
    const people: Record<string, Record<string, string>> = {
      yes: {
        ...listed,
        email: ' Yes.Person@Example.COM ',
        firstname: 'Dr. Yes',
        lastname: 'Person Jr.',
        phone: '(650) 555-1212 ext. 7',
        country: 'US',
        zip: '94035-1234',
        marketing_consent: ' Yes ',
      },
      hashed: {
        ...listed,
        email: sha('hashed.person@example.com').toUpperCase(),
        phone: sha('+447911123456'),
        marketing_consent: ' TRUE',
      },
      abroad: { ...listed, phone: '0044 20 7946 0018', marketing_consent: '1' },
      granted: { ...listed, email: 'granted@example.com', marketing_consent: 'granted' },
      no: { ...listed, email: 'no@example.com', marketing_consent: 'No' },
      zero: { ...listed, email: 'zero@example.com', marketing_consent: '0' },
      russianNo: { ...listed, email: 'net@example.com', marketing_consent: 'нет' },
      empty: { ...listed, email: 'empty@example.com', marketing_consent: '' },
      missing: { ...listed, email: 'missing@example.com' },
      // consented, but only a national phone and no country: the country code is unknown
      unidentifiable: { ...listed, phone: '(650) 555-1299', firstname: 'Local', marketing_consent: 'true' },
    };
    const ids: Record<string, string> = {};
    for (const [key, properties] of Object.entries(people)) {
      s.crm.contacts.create(properties, at);
      ids[key] = [...s.crm.contacts.values()].at(-1)!.id;
    }
    return ids;
  }

  const NOT_CONSENTED = ['granted', 'no', 'zero', 'russianNo', 'empty', 'missing'];
  const NOT_CONSENTED_EMAILS = ['granted', 'no', 'zero', 'net', 'empty', 'missing'].map((n) => `${n}@example.com`);

  const held = heldReasons;

  /** The reason contact `id` was held (the runner keys held records by the flow identity: the contact id). */
  const reasonOf = (reasons: Map<string, string | undefined>, id: string) => reasons.get(id);

  it('hubspot-list-to-meta-audience: only consented contacts join, hashed once; the others are held with a reason', async () => {
    const ids = seed();
    const hashes = () => metaAudienceHashes(s);
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-meta-audience', {
        connections: { hubspot: 'crm', meta: 'ads-meta' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-meta-audience');
      expect(adds.counts).toMatchObject({ read: 10, failed: 0 });
      expect(s.meta.members()).toBe(3);
      const sent = hashes();
      // every identifier that arrived is a SHA-256 digest, and the known ones hashed exactly once
      for (const value of sent) expect(value).toMatch(/^(?:[0-9a-f]{64})?$/);
      for (const expected of [
        sha('yes.person@example.com'),
        sha('16505551212'), // the extension dropped, the country code from the contact's country
        sha('yes'), // "Dr. Yes": Meta's fn keeps what the name splitter gives
        sha('hashed.person@example.com'), // already hashed: sent as it is, lowercased
        sha('+447911123456'),
        sha('442079460018'), // "0044 …": the international prefix
      ])
        expect(sent.has(expected)).toBe(true);
      expect(sent.has(sha(sha('hashed.person@example.com')))).toBe(false);
      expect(sent.has(sha('6505551299'))).toBe(false); // a national number is never sent as if international
      for (const email of NOT_CONSENTED_EMAILS) expect(sent.has(sha(email))).toBe(false);

      const reasons = await held(hub, adds);
      for (const who of NOT_CONSENTED) expect(reasonOf(reasons, ids[who]!)).toBe(NO_CONSENT);
      expect(reasonOf(reasons, ids.unidentifiable!)).toBe(
        'neither a usable e-mail nor a phone number: Meta cannot match this person',
      );

      // consent withdrawn after the first sync: the removal flow takes the contact out, the additions never re-add
      await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      s.crm.contacts.get(ids.yes!)!.properties.marketing_consent = 'no';
      s.crm.setModifiedTime([ids.yes!], Date.now());
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-meta-audience'))).toBe(0);
      const withdraw = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(withdraw.counts.failed).toBe(0);
      expect(writes(withdraw)).toBe(1);
      expect(s.meta.members()).toBe(2);
      expect(hashes().has(sha('yes.person@example.com'))).toBe(false);
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-meta-audience'))).toBe(0);
      expect(hashes().has(sha('yes.person@example.com'))).toBe(false);
    });
  }, 120_000);

  it('hubspot-list-to-google-customer-match: only consented contacts join, hashed once; the others are held with a reason', async () => {
    const ids = seed();
    /** Every identifier in the sandbox list: digests for e-mail and phone, address objects for the rest. */
    const identifiers = () =>
      [...s.google.store.list(s.google.settings.userListId!).values()].flat().map((id) => JSON.parse(id) as unknown);
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-google-customer-match', {
        connections: { hubspot: 'crm', google: 'ads-google' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match');
      expect(adds.counts).toMatchObject({ read: 10, failed: 0 });
      expect(s.google.memberCount()).toBe(3);
      const digests = new Set(identifiers().filter((id): id is string => typeof id === 'string'));
      for (const value of digests) expect(value).toMatch(/^[0-9a-f]{64}$/);
      for (const expected of [
        sha('yes.person@example.com'),
        sha('+16505551212'),
        sha('hashed.person@example.com'),
        sha('+447911123456'),
        sha('+442079460018'),
      ])
        expect(digests.has(expected)).toBe(true);
      expect(digests.has(sha(sha('hashed.person@example.com')))).toBe(false);
      for (const email of NOT_CONSENTED_EMAILS) expect(digests.has(sha(email))).toBe(false);
      // the address goes whole, names hashed by Google's rules (no title, no suffix), region and postal code in clear
      expect(identifiers()).toContainEqual(
        expect.objectContaining({ givenName: sha('yes'), familyName: sha('person'), regionCode: 'US' }),
      );

      const reasons = await held(hub, adds);
      for (const who of NOT_CONSENTED) expect(reasonOf(reasons, ids[who]!)).toBe(NO_CONSENT);
      expect(reasonOf(reasons, ids.unidentifiable!)).toBe(
        'neither a usable e-mail nor a phone number: Google cannot match this person',
      );

      await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      s.crm.contacts.get(ids.hashed!)!.properties.marketing_consent = 'false';
      s.crm.setModifiedTime([ids.hashed!], Date.now());
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match'))).toBe(0);
      const withdraw = await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      expect(withdraw.counts.failed).toBe(0);
      expect(writes(withdraw)).toBe(1);
      expect(s.google.memberCount()).toBe(2);
      expect(s.google.memberCount(sha('hashed.person@example.com'))).toBe(0);
    });
  }, 120_000);
});
