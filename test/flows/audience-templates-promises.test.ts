import { createHash } from 'node:crypto';
import { mapped, mapper, sentences, skipReason, template } from '../mappings/helpers';
import { audienceContacts, hubspotContact } from '../mappings/messy-records';

/**
 * The `hubspot-list-to-meta-audience` and `hubspot-list-to-google-customer-match` templates keep each promise of
 * their descriptions, checked at the mapping level on messy HubSpot contacts; test/flows/ad-templates-sandbox.test.ts
 * runs them through the runner against the HubSpot, Meta and Google sandboxes.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const VENDORS = [
  {
    name: 'hubspot-list-to-meta-audience',
    vendor: 'meta',
    label: 'Meta',
    dest: 'your Meta Custom Audience',
    rules: "Meta's",
  },
  {
    name: 'hubspot-list-to-google-customer-match',
    vendor: 'google',
    label: 'Google',
    dest: 'your Google Customer Match list',
    rules: "Google's",
  },
] as const;

describe.each(VENDORS)('template $name', ({ name, vendor, label, dest, rules }) => {
  const add = mapper(`hubspot-contact-to-${vendor}-audience-member`);
  const remove = mapper(`hubspot-contact-to-${vendor}-audience-removal`);
  const NO_CONSENT = 'no marketing consent in HubSpot (marketing_consent is not true): never sent to an ad platform';

  it('says what this test checks, sentence by sentence', () => {
    expect(sentences(name)).toEqual([
      `HubSpot contacts on your audience list (contact property ad_audience = true) who gave marketing consent become members of ${dest}, so you can target or exclude them in ads.`,
      `A contact without marketing consent never reaches ${label}: they are skipped with the reason, even when they are on the list, and only contacts the hub added are ever named in a removal.`,
      'A contact who leaves the list (ad_audience set to false), withdraws consent or is archived is removed from the audience, and added again on rejoining with consent.',
      `E-mail, phone, name, city, postal code and country are normalised and hashed by ${rules} rules before they leave the hub.`,
      'Both run every hour once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      "Needs the HubSpot contact properties marketing_consent and ad_audience (add ad_audience and zip to the connection's contactProperties).",
    ]);
  });

  it('two flows from the HubSpot contacts stream, additions and removals, every hour, sharing one link group', () => {
    const t = template(name);
    // one link group: the removals see what the additions wrote; the removals write only where the hub added
    expect(t.linkGroup).toBe(name);
    expect(t.flows.map((f) => f.options?.onlyWritten === true)).toEqual([false, true]);
    expect(t.flows.map((f) => [f.source.stream, f.mapping.id, f.target.action, f.trigger])).toEqual([
      [
        'contacts',
        `hubspot-contact-to-${vendor}-audience-member`,
        'addAudienceMembers',
        { type: 'schedule', cron: '0 * * * *' },
      ],
      [
        'contacts',
        `hubspot-contact-to-${vendor}-audience-removal`,
        'removeAudienceMembers',
        { type: 'schedule', cron: '0 * * * *' },
      ],
    ]);
  });

  it('consented contacts on the list become members; the others are not added', async () => {
    expect(await skipReason(add, audienceContacts.consented)).toBeUndefined();
    expect(await skipReason(add, audienceContacts.consentedGmail)).toBeUndefined();
    expect(await skipReason(add, audienceContacts.notListed)).toBe(
      'not on the audience list (ad_audience is not true)',
    );
  });

  it(`a contact without marketing consent is never added to ${label} (the removal flow holds them: see ad-templates-sandbox)`, async () => {
    for (const contact of [audienceContacts.saidNo, audienceContacts.neverAsked, audienceContacts.notListedNoConsent])
      expect(await skipReason(add, contact)).toBe(NO_CONSENT);
    // never on the list and no consent: not even a removal carries them
    expect(await skipReason(remove, audienceContacts.notListedNoConsent)).toBe(
      'never on the audience list (ad_audience is empty): nothing to remove',
    );
    // on the list without consent (said no, or withdrew): the removal mapping maps them, hashed; the removal flow
    // (options.onlyWritten) sends it only for contacts the additions flow had added (through the runner, tested in
    // test/flows/audience-link-group.test.ts)
    const removal = await mapped(remove, audienceContacts.saidNo);
    expect(removal).toEqual({ email: sha('said.no@example.com') });
  });

  it('leaving the list, withdrawing consent or being archived is a removal, with the identifiers used to add', async () => {
    const member = await mapped(add, audienceContacts.consented);
    const { consent: _consent, ...identifiers } = member as Record<string, unknown>;
    const props = audienceContacts.consented.properties;
    expect(await mapped(remove, hubspotContact('1', { ...props, ad_audience: 'false' }))).toEqual(identifiers);
    expect(await mapped(remove, hubspotContact('1', { ...props, marketing_consent: 'false' }))).toEqual(identifiers);
    expect(await mapped(remove, hubspotContact('1', props, true))).toEqual(identifiers);
    expect(await skipReason(remove, audienceContacts.consented)).toBe(
      'on the audience list with marketing consent: stays in the audience',
    );
  });

  it(`identifiers are normalised and hashed by ${rules} rules; nothing personal leaves in clear`, async () => {
    const member = await mapped(add, audienceContacts.consented);
    const expected =
      vendor === 'meta'
        ? {
            email: sha('ivan.petrov@example.com'),
            phone: sha('79123456789'),
            firstName: sha('иван'),
            lastName: sha('петров'),
            city: sha('санктпетербург'),
            country: sha('ru'),
          }
        : { email: sha('ivan.petrov@example.com'), phone: sha('+79123456789') };
    expect(member).toMatchObject(expected);
    const gmail = await mapped(add, audienceContacts.consentedGmail);
    expect(gmail).toMatchObject({
      email: sha(vendor === 'meta' ? 'john.smith+ads@gmail.com' : 'johnsmith@gmail.com'),
    });
    expect(JSON.stringify([member, gmail])).not.toMatch(/ivan|petrov|john|smith|912|555/i);
  });
});
