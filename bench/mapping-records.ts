import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappingDefinition } from '../core/mapping';

/**
 * Source records for the mapping bench and the compiled-mapping equivalence test: one generator per source schema
 * (deterministic: the same seed for every run), and for a mapping whose source schema has no generator, the inputs
 * of its own fixtures, cycled.
 */

const GIVEN_RU = ['Иван', 'Анна', 'Сергей', 'Мария', 'Дмитрий', 'Ольга', 'Алексей', 'Елена'];
const FAMILY_RU = ['Иванов', 'Петрова', 'Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев', 'Новикова'];
const PATRONYMIC = ['Иванович', 'Сергеевна', 'Петрович', 'Андреевна', 'Ильич', 'Олеговна'];
const WESTERN = ['John Smith', 'Mary Ann Jones', 'Ludwig van Beethoven', 'Anna Müller', 'Smith, John', 'Madonna'];
const CITIES = ['СПб', 'Москва', 'мск', 'С.-Петербург', 'Екб', 'Казань', 'New York', 'Berlin', ' Питер ', 'Тверь'];
const COUNTRIES = ['Россия', 'RU', 'ru', 'USA', 'Германия', '', 'Kazakhstan'];
const CONSENT = ['да', 'yes', 'no', '', '1', 'false'];

let seed = 42;
function pick<T>(items: readonly T[]): T {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return items[seed % items.length];
}

export function fileRow(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const name = russian
    ? i % 2 === 0
      ? `${pick(FAMILY_RU)} ${pick(GIVEN_RU)} ${pick(PATRONYMIC)}`
      : `${pick(GIVEN_RU)} ${pick(FAMILY_RU)}`
    : pick(WESTERN);
  const digits = String(1000000 + ((i * 7919) % 8999999)).padStart(7, '0');
  return {
    Email: i % 17 === 0 ? 'broken@' : `  User.${i}@Example${i % 5}.RU `,
    Phone: russian
      ? `8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
      : `+1 212 555 ${digits.slice(3)}`,
    'Full name': name,
    City: pick(CITIES),
    Country: russian ? pick(COUNTRIES) : 'US',
    Consent: pick(CONSENT),
  };
}

function canonicalContact(i: number): Record<string, unknown> {
  const contact: Record<string, unknown> = {
    email: `user.${i}@example${i % 5}.ru`,
    phone: `+7916${String(1000000 + ((i * 7919) % 8999999))}`,
    givenName: pick(GIVEN_RU),
    familyName: pick(FAMILY_RU),
    city: pick(['Санкт-Петербург', 'Москва', 'Казань', 'New York']),
    country: 'RU',
    consent: { email: i % 2 === 0 },
  };
  if (i % 4 === 0) contact.middleName = pick(PATRONYMIC);
  if (i % 23 === 0) delete contact.email;
  return contact;
}

function hubspotContact(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const properties: Record<string, unknown> = {
    email: i % 19 === 0 ? 'not-an-address' : ` User.${i}@Example${i % 5}.COM `,
    firstname: russian ? pick(GIVEN_RU) : 'John',
    lastname: i % 7 === 0 ? null : russian ? pick(FAMILY_RU) : 'Smith',
    phone: i % 4 === 0 ? '' : `8 (912) ${String(1000000 + ((i * 7919) % 8999999)).slice(0, 3)}-45-67`,
    mobilephone: '+7 921 1234567',
    city: pick(CITIES),
    country: russian ? pick(COUNTRIES) : 'USA',
    lifecyclestage: pick(['lead', 'customer', 'subscriber', 'opportunity', '']),
    marketing_consent: pick(['true', 'TRUE', 'false', 'yes', '']),
  };
  return { id: String(100 + i), properties, updatedAt: '2026-01-01T00:00:00.000Z', archived: false };
}

function mailchimpMember(i: number): Record<string, unknown> {
  return {
    id: `m${i}`,
    email_address: i % 13 === 0 ? 'broken@' : ` User.${i}@Example.com`,
    status: pick(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'archived']),
    language: pick(['RU', 'en', '']),
    merge_fields: {
      FNAME: pick(GIVEN_RU),
      LNAME: pick(FAMILY_RU),
      PHONE: i % 3 === 0 ? '' : '+7 (916) 123-45-67',
      ADDRESS:
        i % 2 === 0 ? { addr1: ' Nevsky pr. 1 ', city: pick(CITIES), state: '', zip: '191186', country: 'RU' } : '',
    },
    tags: [],
    last_changed: '2026-03-01T10:00:00+00:00',
  };
}

function sendgridSuppression(i: number): Record<string, unknown> {
  const type = pick(['unsubscribe', 'bounce', 'spamreport']);
  const email = i % 11 === 0 ? 'broken@' : ` User.${i}@Example.com`;
  return { id: `${type}:${email}`, email, type, reason: '550 5.1.1 unknown user', created_at: '2026-02-01T00:00:00Z' };
}

/** Same seed for every run, so the engine and the hand-written version see identical records. */
export function generate(count: number, generator: (i: number) => unknown): unknown[] {
  seed = 42;
  return Array.from({ length: count }, (_, i) => generator(i));
}

export function generatorFor(mapping: MappingDefinition): (i: number) => unknown {
  const sourceFile = mapping.origin?.sourceSchemaFile ?? '';
  if (sourceFile.endsWith('file-contact-row.schema.json')) return fileRow;
  if (sourceFile.endsWith('canonical-contact.schema.json')) return canonicalContact;
  if (sourceFile.endsWith('hubspot-contact-record.schema.json')) return hubspotContact;
  if (sourceFile.endsWith('mailchimp-member-record.schema.json')) return mailchimpMember;
  if (sourceFile.endsWith('sendgrid-suppression-record.schema.json')) return sendgridSuppression;
  return fixtureInputs(mapping);
}

/** The mapping's fixture inputs, cycled: for source schemas without a generator. */
function fixtureInputs(mapping: MappingDefinition): (i: number) => unknown {
  const dir = mapping.origin?.dir;
  const inputs = dir
    ? readdirSync(join(dir, 'fixtures'))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => (JSON.parse(readFileSync(join(dir, 'fixtures', name), 'utf8')) as { input?: unknown }).input)
        .filter((input) => input !== undefined)
    : [];
  if (inputs.length === 0) throw new Error(`no record generator and no fixtures for ${mapping.id}`);
  return (i) => structuredClone(inputs[i % inputs.length]);
}
