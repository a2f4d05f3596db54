import { mapped, mapper, sentences, skipReason, template } from '../mappings/helpers';

/**
 * The `meta-lead-ads-to-hubspot-contacts` and `google-ads-leads-to-hubspot-contacts` templates keep each promise of
 * their descriptions, checked at the mapping level on messy leads; test/flows/ad-templates-sandbox.test.ts runs both
 * through the runner against the Meta, Google and HubSpot sandboxes.
 */

const META = 'meta-lead-ads-to-hubspot-contacts';
const GOOGLE = 'google-ads-leads-to-hubspot-contacts';
const metaLead = mapper('meta-lead-to-hubspot-contact');
const googleLead = mapper('google-lead-to-hubspot-contact');

const metaRecord = (id: string, fields: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  id,
  form_id: 'F1',
  created_time: '2026-12-01T10:00:00Z',
  ad_id: null,
  campaign_id: null,
  is_organic: false,
  platform: 'ig',
  fields,
  email: null,
  phone: null,
  full_name: null,
  ...extra,
});
const googleRecord = (id: string, fields: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  id,
  submittedAt: '2026-12-01T10:00:00Z',
  campaignId: '1003',
  adGroupId: null,
  assetId: null,
  gclid: 'Cj0-lead',
  email: null,
  phone: null,
  fullName: null,
  firstName: null,
  lastName: null,
  fields,
  ...extra,
});

describe('lead templates: their descriptions', () => {
  it('say what these tests check, sentence by sentence', () => {
    const EVERY_15 =
      'Runs every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.';
    // Meta's leads also come by its leadgen webhook (test/flows/meta-lead-webhook-sandbox.test.ts)
    const META_WEBHOOK =
      "Each lead Meta's leadgen webhook announces is fetched by id and added at once, and every 15 minutes once enabled all forms are read again for the leads a webhook missed; hub flows enable --schedule chooses another schedule for that read, or manual runs.";
    const common = (who: string, repeat: string, consent: string, without: string, runs = EVERY_15) => [
      `People who fill in your ${who} become HubSpot contacts, with names split and capitalised, phone numbers in international format and one spelling per city.`,
      `Each person is matched by e-mail, so ${repeat}`,
      `Marketing consent is recorded only when ${consent}; a lead without it is still added, without consent, and never reaches an ad platform from HubSpot.`,
      without,
      runs,
      'Needs the HubSpot contact property marketing_consent.',
    ];
    expect(sentences(META)).toEqual(
      common(
        'Facebook and Instagram lead forms',
        'someone who fills in two forms, or is already in HubSpot, is one contact, and a lead is added once even when Meta delivers it twice.',
        "the form's consent box was ticked",
        'Leads without a usable e-mail are skipped with the reason.',
        META_WEBHOOK,
      ),
    );
    expect(sentences(GOOGLE)).toEqual(
      common(
        'Google Ads lead forms',
        'someone who submits twice, or is already in HubSpot, is one contact.',
        "the form's consent question was answered yes",
        'Submissions without a usable e-mail are skipped with the reason.',
      ),
    );
  });

  it('read the lead streams into HubSpot upsertContacts by e-mail, every 15 minutes', () => {
    for (const [name, stream, mapping] of [
      [META, 'leads', 'meta-lead-to-hubspot-contact'],
      [GOOGLE, 'leadFormSubmissions', 'google-lead-to-hubspot-contact'],
    ] as const) {
      const [flow] = template(name).flows;
      expect([flow!.source.stream, flow!.mapping.id, flow!.target.action, flow!.trigger]).toEqual([
        stream,
        mapping,
        'upsertContacts',
        { type: 'schedule', cron: '*/15 * * * *' },
      ]);
      expect((flow as unknown as { identity: unknown }).identity).toEqual({ source: ['id'], target: 'email' });
    }
  });

  it("Meta's template adds a webhook-triggered flow sharing the link group: a lead coming both ways is one record", () => {
    const t = template(META) as unknown as { linkGroup?: string; flows: { name: string; trigger: unknown }[] };
    expect(t.linkGroup).toBe(META);
    expect(t.flows.map((f) => [f.name, f.trigger])).toEqual([
      [META, { type: 'schedule', cron: '*/15 * * * *' }],
      [`${META}-webhook`, { type: 'webhook' }],
    ]);
  });
});

describe('lead templates keep their promises (mapping level, messy leads)', () => {
  it('names split and capitalised, phones international, one spelling per city', async () => {
    expect(
      await mapped(
        metaLead,
        metaRecord('L1', {
          full_name: '  иван   петров ',
          email: ' Ivan.Petrov@Example.COM ',
          phone_number: '8 (916) 123-45-67',
          city: 'спб',
          country: 'ru',
        }),
      ),
    ).toEqual({
      email: 'ivan.petrov@example.com',
      properties: {
        firstname: 'Иван',
        lastname: 'Петров',
        phone: '+79161234567',
        city: 'Санкт-Петербург',
        country: 'RU',
      },
    });
    expect(
      await mapped(
        googleLead,
        googleRecord('G1', {
          EMAIL: ' Anna@Example.com ',
          FULL_NAME: 'АННА СМИРНОВА',
          PHONE_NUMBER: '8 900 000-00-01',
          CITY: 'Питер',
          COUNTRY: 'RU',
        }),
      ),
    ).toEqual({
      email: 'anna@example.com',
      properties: {
        firstname: 'Анна',
        lastname: 'Смирнова',
        phone: '+79000000001',
        city: 'Санкт-Петербург',
        country: 'RU',
      },
    });
  });

  it('matched by e-mail: the same person typed two ways maps to one contact', async () => {
    const a = (await mapped(metaLead, metaRecord('L2', { email: 'ANNA@example.com ', full_name: 'Anna' }))) as {
      email: string;
    };
    const b = (await mapped(metaLead, metaRecord('L3', { email: ' anna@EXAMPLE.com', full_name: 'Anna' }))) as {
      email: string;
    };
    expect(a.email).toBe(b.email);
    const g = (await mapped(googleLead, googleRecord('G2', {}, { email: 'Anna@Example.com' }))) as { email: string };
    expect(g.email).toBe(a.email);
  });

  it('consent is recorded only when given; otherwise it is never written (no "false" over consent given elsewhere)', async () => {
    const ticked = await mapped(metaLead, metaRecord('L4', { email: 'a@example.com', marketing_consent: 'Yes' }));
    expect(ticked).toMatchObject({ properties: { marketing_consent: 'true' } });
    const unticked: Record<string, string>[] = [{ email: 'b@example.com' }, { email: 'b@example.com', opt_in: 'no' }];
    for (const fields of unticked) {
      const value = (await mapped(metaLead, metaRecord('L5', fields))) as { properties: Record<string, unknown> };
      expect(value.properties).not.toHaveProperty('marketing_consent');
    }
    const yes = await mapped(
      googleLead,
      googleRecord('G3', { EMAIL: 'c@example.com', 'I agree to marketing e-mails': 'YES' }),
    );
    expect(yes).toMatchObject({ properties: { marketing_consent: 'true' } });
    const no = (await mapped(googleLead, googleRecord('G4', { EMAIL: 'c@example.com', 'Marketing opt-in': 'No' }))) as {
      properties: Record<string, unknown>;
    };
    expect(no.properties).not.toHaveProperty('marketing_consent');
  });

  it('leads without a usable e-mail are skipped with the reason', async () => {
    expect(await skipReason(metaLead, metaRecord('L6', { phone_number: '+79161234567' }))).toBe(
      'no e-mail in the lead: HubSpot matches contacts by e-mail',
    );
    expect(await skipReason(metaLead, metaRecord('L7', { email: 'ivan at gmail' }))).toBe(
      'the lead\'s e-mail "ivan at gmail" is not a usable address',
    );
    expect(await skipReason(googleLead, googleRecord('G5', { PHONE_NUMBER: '+79161234567' }))).toBe(
      'no e-mail in the lead form submission: HubSpot matches contacts by e-mail',
    );
  });
});
