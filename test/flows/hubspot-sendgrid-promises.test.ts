import fs from 'node:fs';
import path from 'node:path';
import { startSandbox as startHubSpot, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { startSandbox as startSendGrid, type SendGridSandbox } from '../../connectors/sendgrid/sandbox';
import { CliBed } from '../core/cli/helpers';

/**
 * The `hubspot-sendgrid-contacts` template keeps each promise of its description, run as a user runs it
 * (`hub connections add`, `hub flows enable`, `hub flows run`) against the HubSpot and SendGrid sandboxes, on a
 * dozen messy HubSpot contacts (padded and mixed-case e-mails, a full name typed into one field, local phone
 * numbers, "СПб" and "Питер", contacts without marketing consent) and an unsubscribe, a bounce and a spam report
 * on the SendGrid side.
 */

const TEMPLATE = path.resolve(__dirname, '../../flows/hubspot-sendgrid-contacts.json');
const TO_SENDGRID = 'hubspot-contacts-to-sendgrid';
const TO_HUBSPOT = 'sendgrid-suppressions-to-hubspot';

interface Template {
  description: string;
  flows: { name: string; trigger: { type: string; cron?: string } }[];
}
const template = () => JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as Template;

describe('template hubspot-sendgrid-contacts: its description', () => {
  it('says what this test checks, sentence by sentence', () => {
    expect(template().description.split(/(?<=\.) /)).toEqual([
      'Contacts who gave marketing consent in HubSpot become SendGrid Marketing contacts, with names split and capitalised, phone numbers in international format, one spelling per city and their lifecycle stage in the custom field lifecycle_stage.',
      'The other way, SendGrid unsubscribes and spam reports mark the HubSpot contact unsubscribed and bounces mark it cleaned (email_subscription_status).',
      'SendGrid decides the subscription status, HubSpot decides the profile.',
      'Each person is matched by e-mail; a change travels once.',
      'Both directions run every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      'Needs the HubSpot contact properties marketing_consent and email_subscription_status, and a Text custom field lifecycle_stage in SendGrid.',
    ]);
  });

  it('"both directions run every 15 minutes": the trigger of each flow', () => {
    expect(template().flows.map((f) => [f.name, f.trigger])).toEqual([
      [TO_SENDGRID, { type: 'schedule', cron: '*/15 * * * *' }],
      [TO_HUBSPOT, { type: 'schedule', cron: '*/15 * * * *' }],
    ]);
  });
});

describe('template hubspot-sendgrid-contacts keeps its promises (HubSpot and SendGrid sandboxes)', () => {
  let bed: CliBed;
  let crm: HubSpotSandbox;
  let sg: SendGridSandbox;

  async function start(customFields?: { name: string; field_type: 'Text' }[]) {
    bed = new CliBed();
    crm = await startHubSpot({ enforceLimits: false });
    sg = await startSendGrid({ enforceLimits: false, pollsToComplete: 0, ...(customFields ? { customFields } : {}) });
    const at = Date.now() - 60_000;
    const messy: Record<string, string>[] = [
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
      { email: 'Olga@Example.com', firstname: 'Ольга Иванова', city: 'Москва', marketing_consent: 'true' },
      { email: 'bounce@example.com', firstname: 'Борис', marketing_consent: 'true' },
      { email: 'spam@example.com', firstname: 'Спам Жалобщик', marketing_consent: 'true' },
      { email: 'said.no@example.com', firstname: 'No Consent', marketing_consent: 'false' },
      { email: 'never.asked@example.com', firstname: 'Never Asked', city: 'СПб' },
      { email: '  NO.CONSENT.TOO@example.com', firstname: 'Тоже Нет', marketing_consent: 'false' },
    ];
    for (const properties of messy) crm.contacts.create(properties, at);
    const crmSettings = bed.write('crm.json', crm.settings);
    const sgSettings = bed.write('sg.json', sg.settings);
    expect((await bed.hub('connections', 'add', 'hubspot', '--name', 'crm', '--settings', crmSettings)).code).toBe(0);
    expect((await bed.hub('connections', 'add', 'sendgrid', '--name', 'sg', '--settings', sgSettings)).code).toBe(0);
  }

  afterEach(async () => {
    await Promise.all([crm?.close(), sg?.close()]);
    bed?.cleanup();
  });

  async function enable(...extra: string[]) {
    const enabled = await bed.hub(
      'flows',
      'enable',
      'hubspot-sendgrid-contacts',
      '--connection',
      'hubspot=crm',
      '--connection',
      'sendgrid=sg',
      ...extra,
    );
    expect(enabled.code).toBe(0);
    return enabled;
  }

  type RunResult = {
    status: string;
    counts: { read: number; created: number; updated: number; failed: number; deadLettered: number };
  };
  async function run(flow: string, clean = true): Promise<RunResult> {
    const result = await bed.hub('flows', 'run', flow, '--json');
    const parsed = JSON.parse(result.stdout) as RunResult;
    if (clean) expect(parsed.counts).toMatchObject({ failed: 0, deadLettered: 0 });
    return parsed;
  }
  const writes = (r: RunResult) => r.counts.created + r.counts.updated;
  const imports = () => sg.server.count({ route: 'PUT /v3/marketing/contacts' });
  const upserts = () => crm.server.count({ route: 'POST /crm/v3/objects/:object/batch/upsert' });
  const hubspotContact = (email: string) =>
    [...crm.contacts.values()].find((c) => c.properties.email?.trim().toLowerCase() === email);
  const stageField = () => sg.fieldDefinitions.find((f) => f.name === 'lifecycle_stage')!.id;
  const contacts = () =>
    [...sg.contacts.values()]
      .map((c) => ({
        email: c.email,
        first_name: c.first_name,
        last_name: c.last_name,
        phone_number: c.phone_number,
        city: c.city,
        stage: c.custom_fields[stageField()],
      }))
      .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== '')))
      .sort((a, b) => String(a.email).localeCompare(String(b.email)));

  it('enabling says both directions run every 15 minutes', async () => {
    await start();
    const enabled = await enable();
    expect(enabled.stdout).toMatch(new RegExp(`${TO_SENDGRID} runs every 15 minutes; first run at`));
    expect(enabled.stdout).toMatch(new RegExp(`${TO_HUBSPOT} runs every 15 minutes; first run at`));
    expect(enabled.stdout).toContain('--schedule manual');
  });

  it('keeps every sentence of its description', async () => {
    await start();
    await enable('--schedule', 'manual');

    // "Contacts who gave marketing consent in HubSpot become SendGrid Marketing contacts, with names split and
    // capitalised, phone numbers in international format, one spelling per city and their lifecycle stage in the
    // custom field lifecycle_stage."
    const first = await run(TO_SENDGRID);
    expect(first.counts).toMatchObject({ read: 9 });
    expect(writes(first)).toBe(6);
    sg.settle();
    expect(contacts()).toEqual([
      {
        email: 'anna.smirnova@example.com',
        first_name: 'Анна',
        last_name: 'Смирнова',
        phone_number: '+79000000001',
        city: 'Санкт-Петербург',
        stage: 'lead',
      },
      { email: 'bounce@example.com', first_name: 'Борис' },
      {
        email: 'ivan.petrov@example.com',
        first_name: 'Иван',
        last_name: 'Петров',
        phone_number: '+79123456789',
        city: 'Санкт-Петербург',
        stage: 'customer',
      },
      {
        email: 'john.smith@example.com',
        first_name: 'John',
        last_name: 'Smith',
        phone_number: '+12125550123',
        city: 'New York',
        stage: 'marketingqualifiedlead',
      },
      { email: 'olga@example.com', first_name: 'Ольга', last_name: 'Иванова', city: 'Москва' },
      { email: 'spam@example.com', first_name: 'Спам', last_name: 'Жалобщик' },
    ]);
    // nobody without consent is a SendGrid contact
    for (const email of ['said.no@example.com', 'never.asked@example.com', 'no.consent.too@example.com'])
      expect(sg.contactByEmail(email)).toBeUndefined();

    // "The other way, SendGrid unsubscribes and spam reports mark the HubSpot contact unsubscribed and bounces mark
    // it cleaned (email_subscription_status)."
    const contactsBefore = crm.contacts.size;
    await sg.suppress('Olga@Example.com', 'unsubscribe');
    await sg.suppress('bounce@example.com', 'bounce');
    await sg.suppress('spam@example.com', 'spamreport');
    const back = await run(TO_HUBSPOT);
    expect(back.counts).toMatchObject({ read: 3, created: 0, updated: 3 });
    // "Each person is matched by e-mail": the padded/mixed-case HubSpot contacts are updated, nobody is added
    expect(crm.contacts.size).toBe(contactsBefore);
    expect(hubspotContact('olga@example.com')?.properties.email_subscription_status).toBe('unsubscribed');
    expect(hubspotContact('bounce@example.com')?.properties.email_subscription_status).toBe('cleaned');
    expect(hubspotContact('spam@example.com')?.properties.email_subscription_status).toBe('unsubscribed');
    expect(hubspotContact('ivan.petrov@example.com')?.properties.email_subscription_status).toBeUndefined();

    // "a change travels once": what the hub wrote to HubSpot does not go back to SendGrid, nothing is sent twice
    const [importsBefore, upsertsBefore] = [imports(), upserts()];
    expect(writes(await run(TO_SENDGRID))).toBe(0);
    expect(writes(await run(TO_HUBSPOT))).toBe(0);
    expect(writes(await run(TO_SENDGRID))).toBe(0);
    expect([imports(), upserts()]).toEqual([importsBefore, upsertsBefore]);

    // "SendGrid decides the subscription status, HubSpot decides the profile."
    // a profile edit in SendGrid is not written to HubSpot; the next HubSpot change of that contact wins
    sg.updateContact('olga@example.com', { first_name: 'Olya', city: 'Moscow' });
    expect(writes(await run(TO_HUBSPOT))).toBe(0);
    const olga = hubspotContact('olga@example.com')!;
    expect(olga.properties).toMatchObject({ firstname: 'Ольга Иванова', city: 'Москва' });
    // a HubSpot user sets the status back to subscribed and edits the profile: the profile goes to SendGrid, the
    // status does not (the address stays suppressed in SendGrid)
    await crm.updateContact(olga.id, { city: 'Питер', email_subscription_status: 'subscribed' });
    const edit = await run(TO_SENDGRID);
    expect(writes(edit)).toBe(1);
    sg.settle();
    expect(sg.contactByEmail('olga@example.com')).toMatchObject({ first_name: 'Ольга', city: 'Санкт-Петербург' });
    expect(sg.suppressionLists.unsubscribe.map((s) => s.email)).toEqual(['olga@example.com']);
    expect(sg.suppressionLists.bounce.map((s) => s.email)).toEqual(['bounce@example.com']);
    expect(sg.suppressionLists.spamreport.map((s) => s.email)).toEqual(['spam@example.com']);
  });

  it('"Needs ... a Text custom field lifecycle_stage in SendGrid": without it, the run says so', async () => {
    await start([]);
    await enable('--schedule', 'manual');
    const result = await run(TO_SENDGRID, false);
    expect(result).toMatchObject({ status: 'partial', counts: { deadLettered: 3 } });
    const listed = await bed.hub('dlq', 'list', '--flow', TO_SENDGRID, '--json');
    const letters = JSON.parse(listed.stdout) as { reason: string }[];
    expect(letters).toHaveLength(3);
    for (const letter of letters) expect(letter.reason).toContain('lifecycle_stage');
    // the contacts without a lifecycle stage got in; the others wait in the dead-letter list, not lost
    sg.settle();
    expect([...sg.contacts.values()].map((c) => c.email).sort()).toEqual([
      'bounce@example.com',
      'olga@example.com',
      'spam@example.com',
    ]);
  });
});
