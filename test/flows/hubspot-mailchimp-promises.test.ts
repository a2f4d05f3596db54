import fs from 'node:fs';
import path from 'node:path';
import { startSandbox as startHubSpot, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { startSandbox as startMailchimp, type MailchimpSandbox } from '../../connectors/mailchimp/sandbox';
import { CliBed } from '../core/cli/helpers';

/**
 * The `hubspot-mailchimp-contacts` template keeps each promise of its description, run as a user runs it
 * (`hub connections add`, `hub flows enable`, `hub flows run`) against the HubSpot and Mailchimp sandboxes, on a
 * dozen messy HubSpot contacts: padded and mixed-case e-mails, a full name typed into one field, local phone
 * numbers, "СПб" and "Питер", contacts without marketing consent and the same person entered twice.
 */

const TEMPLATE = path.resolve(__dirname, '../../flows/hubspot-mailchimp-contacts.json');
const TO_MAILCHIMP = 'hubspot-contacts-to-mailchimp';
const TO_HUBSPOT = 'mailchimp-members-to-hubspot';

interface Template {
  description: string;
  flows: { name: string; trigger: { type: string; cron?: string } }[];
}
const template = () => JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as Template;

describe('template hubspot-mailchimp-contacts: its description', () => {
  it('says what this test checks, sentence by sentence', () => {
    expect(template().description.split(/(?<=\.) /)).toEqual([
      'Contacts who gave marketing consent in HubSpot become members of your Mailchimp audience, with names split and capitalised, phone numbers in international format, one spelling per city ("СПб", "Питер" → "Санкт-Петербург") and their lifecycle stage as a tag.',
      'The other way, unsubscribes, cleaned addresses and profile changes made in Mailchimp (language, postal address) are written back to HubSpot (email_subscription_status, hs_language, address).',
      'Mailchimp decides the subscription status; HubSpot decides names, phone and city, so those never travel back.',
      'Each person is matched by e-mail, so nobody is added twice, and a change travels once: what the hub wrote is never echoed back.',
      'Both directions run every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      'Needs the HubSpot contact properties marketing_consent and email_subscription_status, and a CITY merge field in the audience.',
    ]);
  });

  it('"both directions run every 15 minutes": the trigger of each flow', () => {
    expect(template().flows.map((f) => [f.name, f.trigger])).toEqual([
      [TO_MAILCHIMP, { type: 'schedule', cron: '*/15 * * * *' }],
      [TO_HUBSPOT, { type: 'schedule', cron: '*/15 * * * *' }],
    ]);
  });
});

describe('template hubspot-mailchimp-contacts keeps its promises (HubSpot and Mailchimp sandboxes)', () => {
  let bed: CliBed;
  let crm: HubSpotSandbox;
  let list: MailchimpSandbox;

  beforeEach(async () => {
    bed = new CliBed();
    crm = await startHubSpot({ enforceLimits: false });
    list = await startMailchimp({
      enforceLimits: false,
      mergeFields: ['FNAME', 'LNAME', 'PHONE', 'CITY', { tag: 'ADDRESS', name: 'Address', type: 'address' }],
    });
    const at = Date.now() - 60_000;
    const messy: Record<string, string>[] = [
      // a full name in one field, all lowercase; a local Russian number; "СПб"
      {
        email: '  Ivan.Petrov@Example.COM ',
        firstname: '  иван   петров ',
        phone: '8 (912) 345-67-89',
        country: 'Россия',
        city: 'СПб',
        lifecyclestage: 'customer',
        marketing_consent: 'true',
      },
      {
        email: 'ANNA.Smirnova@example.com',
        firstname: 'АННА',
        lastname: 'смирнова',
        mobilephone: '8 900 000-00-01',
        country: 'RU',
        city: 'Питер',
        lifecyclestage: 'lead',
        marketing_consent: 'true',
      },
      {
        email: 'john.smith@example.com',
        firstname: 'JOHN RONALD SMITH',
        phone: '(212) 555-0123',
        country: 'USA',
        city: 'New York',
        lifecyclestage: 'marketingqualifiedlead',
        marketing_consent: 'true',
      },
      { email: 'olga@example.com', firstname: 'Ольга Иванова', city: 'Москва', marketing_consent: 'true' },
      { email: 'bounce@example.com', firstname: 'Борис', marketing_consent: 'true' },
      { email: 'Profile@Example.com', firstname: 'Pat', lastname: 'Lee', city: 'London', marketing_consent: 'true' },
      // no marketing consent: said no, or never asked
      { email: 'said.no@example.com', firstname: 'No Consent', marketing_consent: 'false' },
      { email: 'never.asked@example.com', firstname: 'Never Asked', city: 'СПб' },
      { email: '  NO.CONSENT.TOO@example.com', firstname: 'Тоже Нет', marketing_consent: 'false' },
    ];
    for (const properties of messy) crm.contacts.create(properties, at);
    // the same person entered twice in HubSpot (an older import with a mailto: link): one member
    crm.contacts.create(
      { email: 'MAILTO:ivan.petrov@example.com', firstname: 'Иван Петров', marketing_consent: 'true' },
      at,
    );
    const twin = [...crm.contacts.values()].at(-1)!;
    crm.setModifiedTime([twin.id], at - 1_000); // the most recently modified entry (the messy one) wins

    const crmSettings = bed.write('crm.json', crm.settings);
    const listSettings = bed.write('list.json', list.settings);
    expect((await bed.hub('connections', 'add', 'hubspot', '--name', 'crm', '--settings', crmSettings)).code).toBe(0);
    expect((await bed.hub('connections', 'add', 'mailchimp', '--name', 'news', '--settings', listSettings)).code).toBe(
      0,
    );
  });

  afterEach(async () => {
    await Promise.all([crm.close(), list.close()]);
    bed.cleanup();
  });

  async function enable(...extra: string[]) {
    const enabled = await bed.hub(
      'flows',
      'enable',
      'hubspot-mailchimp-contacts',
      '--connection',
      'hubspot=crm',
      '--connection',
      'mailchimp=news',
      ...extra,
    );
    expect(enabled.code).toBe(0);
    return enabled;
  }

  async function run(flow: string) {
    const result = await bed.hub('flows', 'run', flow, '--json');
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout) as {
      status: string;
      counts: { read: number; created: number; updated: number; failed: number; deadLettered: number };
    };
    expect(parsed.counts).toMatchObject({ failed: 0, deadLettered: 0 });
    return parsed;
  }
  const writes = (r: Awaited<ReturnType<typeof run>>) => r.counts.created + r.counts.updated;
  const batches = () => list.server.count({ route: 'POST /3.0/lists/:list_id' });
  const upserts = () => crm.server.count({ route: 'POST /crm/v3/objects/:object/batch/upsert' });
  const hubspotContact = (email: string) =>
    [...crm.contacts.values()].find((c) => c.properties.email?.trim().toLowerCase() === email);

  it('enabling says both directions run every 15 minutes', async () => {
    const enabled = await enable();
    expect(enabled.stdout).toMatch(new RegExp(`${TO_MAILCHIMP} runs every 15 minutes; first run at`));
    expect(enabled.stdout).toMatch(new RegExp(`${TO_HUBSPOT} runs every 15 minutes; first run at`));
    expect(enabled.stdout).toContain('--schedule manual');
  });

  it('keeps every sentence of its description', async () => {
    await enable('--schedule', 'manual');

    // "Contacts who gave marketing consent in HubSpot become members of your Mailchimp audience, with names split
    // and capitalised, phone numbers in international format, one spelling per city ("СПб", "Питер" →
    // "Санкт-Петербург") and their lifecycle stage as a tag."
    const first = await run(TO_MAILCHIMP);
    expect(first.counts).toMatchObject({ read: 10, created: 6 });
    const members = () =>
      [...list.members.values()]
        .map((m) => ({
          email: m.email_address,
          status: m.status,
          fields: Object.fromEntries(Object.entries(m.merge_fields).filter(([, v]) => v !== '')),
          tags: m.tags.map((t) => t.name),
        }))
        .sort((a, b) => a.email.localeCompare(b.email));
    expect(members()).toEqual([
      {
        email: 'anna.smirnova@example.com',
        status: 'subscribed',
        fields: { FNAME: 'Анна', LNAME: 'Смирнова', PHONE: '+79000000001', CITY: 'Санкт-Петербург' },
        tags: ['Lifecycle: Lead'],
      },
      { email: 'bounce@example.com', status: 'subscribed', fields: { FNAME: 'Борис' }, tags: [] },
      {
        email: 'ivan.petrov@example.com',
        status: 'subscribed',
        fields: { FNAME: 'Иван', LNAME: 'Петров', PHONE: '+79123456789', CITY: 'Санкт-Петербург' },
        tags: ['Lifecycle: Customer'],
      },
      {
        email: 'john.smith@example.com',
        status: 'subscribed',
        fields: { FNAME: 'John', LNAME: 'Smith', PHONE: '+12125550123', CITY: 'New York' },
        tags: ['Lifecycle: Marketing qualified lead'],
      },
      {
        email: 'olga@example.com',
        status: 'subscribed',
        fields: { FNAME: 'Ольга', LNAME: 'Иванова', CITY: 'Москва' },
        tags: [],
      },
      {
        email: 'profile@example.com',
        status: 'subscribed',
        fields: { FNAME: 'Pat', LNAME: 'Lee', CITY: 'London' },
        tags: [],
      },
    ]);
    // nobody without consent is in the audience
    for (const email of ['said.no@example.com', 'never.asked@example.com', 'no.consent.too@example.com'])
      expect(list.member(email)).toBeUndefined();

    // "Each person is matched by e-mail, so nobody is added twice": the twin entries of Ivan are one member
    expect(list.members.size).toBe(6);
    expect(crm.contacts.size).toBe(10);

    // the reverse direction adds nobody to HubSpot and changes nothing there yet: the statuses are "subscribed"
    const contactsBefore = crm.contacts.size;
    await run(TO_HUBSPOT);
    expect(crm.contacts.size).toBe(contactsBefore);
    expect(hubspotContact('olga@example.com')?.properties.email_subscription_status).toBe('subscribed');
    // "a change travels once: what the hub wrote is never echoed back"
    const [batchesBefore, upsertsBefore] = [batches(), upserts()];
    expect(writes(await run(TO_MAILCHIMP))).toBe(0);
    expect(writes(await run(TO_HUBSPOT))).toBe(0);
    expect([batches(), upserts()]).toEqual([batchesBefore, upsertsBefore]);

    // "The other way, unsubscribes, cleaned addresses and profile changes made in Mailchimp (language, postal
    // address) are written back to HubSpot (email_subscription_status, hs_language, address)."
    await list.unsubscribe('olga@example.com');
    await list.cleanMember('bounce@example.com');
    await list.updateMember('profile@example.com', {
      language: 'FR',
      merge_fields: {
        ADDRESS: {
          addr1: ' 10 Downing Street ',
          addr2: '',
          city: 'London',
          state: 'England',
          zip: 'SW1A 2AA',
          country: 'GB',
        },
        // "HubSpot decides names, phone and city, so those never travel back"
        FNAME: 'Patricia',
        CITY: 'Londres',
      },
    });
    const back = await run(TO_HUBSPOT);
    expect(back.counts).toMatchObject({ updated: 3, created: 0 });
    expect(crm.contacts.size).toBe(contactsBefore);
    expect(hubspotContact('olga@example.com')?.properties.email_subscription_status).toBe('unsubscribed');
    expect(hubspotContact('bounce@example.com')?.properties.email_subscription_status).toBe('cleaned');
    const profile = hubspotContact('profile@example.com')!.properties;
    expect(profile).toMatchObject({
      hs_language: 'fr',
      address: '10 Downing Street',
      zip: 'SW1A 2AA',
      state: 'England',
      firstname: 'Pat',
      city: 'London',
    });

    // ...and each change travels once: no echo to Mailchimp, nothing sent again to HubSpot
    const [batchesAfter, upsertsAfter] = [batches(), upserts()];
    expect(writes(await run(TO_MAILCHIMP))).toBe(0);
    expect(writes(await run(TO_HUBSPOT))).toBe(0);
    expect([batches(), upserts()]).toEqual([batchesAfter, upsertsAfter]);

    // "Mailchimp decides the subscription status": a HubSpot edit of an unsubscribed contact (even one setting
    // its status back to subscribed) updates the profile in Mailchimp and leaves the member unsubscribed
    const olga = hubspotContact('olga@example.com')!;
    await crm.updateContact(olga.id, { city: 'Питер', email_subscription_status: 'subscribed' });
    const edit = await run(TO_MAILCHIMP);
    expect(edit.counts).toMatchObject({ updated: 1 });
    expect(list.member('olga@example.com')).toMatchObject({
      status: 'unsubscribed',
      merge_fields: expect.objectContaining({ CITY: 'Санкт-Петербург' }),
    });
    expect(list.member('bounce@example.com')?.status).toBe('cleaned');
    // and HubSpot's names, phone and city, edited in HubSpot, win over the Mailchimp edit of the profile member
    const pat = hubspotContact('profile@example.com')!;
    await crm.updateContact(pat.id, { lastname: 'Lee-Smith' });
    await run(TO_MAILCHIMP);
    expect(list.member('profile@example.com')?.merge_fields).toMatchObject({
      FNAME: 'Pat',
      LNAME: 'Lee-Smith',
      CITY: 'London',
    });
  });

  it('"Needs ... a CITY merge field in the audience": without it, the run says so', async () => {
    await Promise.all([list.close()]);
    list = await startMailchimp({ enforceLimits: false, mergeFields: ['FNAME', 'LNAME', 'PHONE'] });
    const updated = await bed.hub(
      'connections',
      'update',
      'news',
      '--settings',
      bed.write('list2.json', list.settings),
    );
    expect(updated.code).toBe(0);
    await enable('--schedule', 'manual');
    const result = await bed.hub('flows', 'run', TO_MAILCHIMP, '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'partial', counts: { deadLettered: 5 } });
    const listed = await bed.hub('dlq', 'list', '--flow', TO_MAILCHIMP, '--json');
    const letters = JSON.parse(listed.stdout) as { reason: string }[];
    expect(letters).toHaveLength(5);
    for (const letter of letters) expect(letter.reason).toContain('CITY');
    // the contacts without a city got in; the others wait in the dead-letter list, not lost
    expect([...list.members.values()].every((m) => m.merge_fields.CITY === undefined)).toBe(true);
  });
});
