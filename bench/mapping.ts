/**
 * Mapping engine throughput: `npx tsx bench/mapping.ts [N]` (or BENCH_N=...; default 20000 records per mapping).
 *
 * Loads every mapping in mappings/, generates N realistic source records, compiles once and evaluates them all
 * (guardrails and schema validation on, as in production), then runs a hand-written TypeScript version of
 * file-contacts-to-canonical (same stdlib functions, same source and output validators) for the ratio, and the same
 * mapping through the worker-thread pool (one message per record, as previews and fixtures on save use it) for the
 * cost of isolation per record.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileMapping, loadMappings, type MappingDefinition, type MapResult } from '../core/mapping';
import { createNormalizeCity, normalizeEmail, normalizePhone, splitFullName } from '../core/mapping/stdlib';
import { createRecordValidator, type JsonSchema } from '../core/mapping/validation';
import { MappingWorkerPool } from '../core/mapping/worker-pool';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 20000);
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

function fileRow(i: number): Record<string, unknown> {
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
function generate(count: number, generator: (i: number) => unknown): unknown[] {
  seed = 42;
  return Array.from({ length: count }, (_, i) => generator(i));
}

function generatorFor(mapping: MappingDefinition): (i: number) => unknown {
  const sourceFile = mapping.origin?.sourceSchemaFile ?? '';
  if (sourceFile.endsWith('file-contact-row.schema.json')) return fileRow;
  if (sourceFile.endsWith('canonical-contact.schema.json')) return canonicalContact;
  if (sourceFile.endsWith('hubspot-contact-record.schema.json')) return hubspotContact;
  if (sourceFile.endsWith('mailchimp-member-record.schema.json')) return mailchimpMember;
  if (sourceFile.endsWith('sendgrid-suppression-record.schema.json')) return sendgridSuppression;
  throw new Error(`no record generator for ${mapping.id} (source schema ${sourceFile})`);
}

/** Hand-written equivalent of mappings/file-contacts-to-canonical/expression.jsonata. */
function handWrittenFileContact(source: JsonSchema, target: JsonSchema): (row: Record<string, unknown>) => MapResult {
  const countries: Record<string, string> = {
    россия: 'RU',
    рф: 'RU',
    russia: 'RU',
    usa: 'US',
    германия: 'DE',
    kazakhstan: 'KZ',
  };
  const yes = new Set(['yes', 'y', 'true', '1', 'да', 'д', '+', 'on']);
  const normalizeCity = createNormalizeCity();
  const validateInput = createRecordValidator(source, 'input.invalid');
  const validate = createRecordValidator(target, 'output.invalid');
  return (row) => {
    const inputError = validateInput(row);
    if (inputError) return { ok: false, error: inputError };
    const c = typeof row.Country === 'string' ? row.Country.trim().toLowerCase() : '';
    const country = countries[c] ?? (/^[a-z]{2}$/.test(c) ? c.toUpperCase() : undefined);
    const name = splitFullName(row['Full name']);
    const out: Record<string, unknown> = {};
    const set = (key: string, value: unknown) => value !== undefined && (out[key] = value);
    set('email', normalizeEmail(row.Email));
    set('phone', normalizePhone(row.Phone, country, 'RU'));
    set('givenName', name?.given);
    set('familyName', name?.family);
    set('middleName', name?.middle);
    set('city', normalizeCity(row.City));
    set('country', country);
    out.consent = {
      email: yes.has(
        String(row.Consent ?? '')
          .trim()
          .toLowerCase(),
      ),
    };
    const error = validate(out);
    return error ? { ok: false, error } : { ok: true, value: out };
  };
}

/** CPU time of this thread in ms: unlike the wall clock, it does not grow when other processes load the machine. */
function cpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

function line(label: string, count: number, ms: number, failed: number, cpu?: number): string {
  const perSecond = Math.round((count / ms) * 1000);
  const micros = ((ms * 1000) / count).toFixed(1);
  const cpuMicros = cpu === undefined ? '' : ` ${((cpu * 1000) / count).toFixed(1).padStart(8)} CPU µs/rec`;
  return `${label.padEnd(44)} ${String(perSecond).padStart(9)} rec/s ${micros.padStart(8)} µs/rec${cpuMicros}  (${failed} failed records)`;
}

const lastRates = new Map<string, number>();

async function main(): Promise<void> {
  const mappings = loadMappings(resolve(__dirname, '../mappings'));
  console.log(`mapping bench: ${N} records per mapping, node ${process.version}\n`);
  const rates = lastRates;
  const outputs = new Map<string, MapResult[]>();
  for (const mapping of mappings) {
    const records = generate(N, generatorFor(mapping));
    const compiled = compileMapping(mapping, { defaultCountry: 'RU' });
    await compiled.evaluatePage(records.slice(0, Math.min(1000, N))); // warm-up
    const started = performance.now();
    const cpuStarted = cpuMs();
    const results = await compiled.evaluatePage(records);
    const cpu = cpuMs() - cpuStarted;
    const ms = performance.now() - started;
    rates.set(mapping.id, ms / N);
    outputs.set(mapping.id, results);
    console.log(line(mapping.id, N, ms, results.filter((r) => !r.ok).length, cpu));
  }

  const fileMapping = mappings.find((m) => m.id === 'file-contacts-to-canonical');
  if (fileMapping?.target?.schema && fileMapping.source?.schema) {
    const rows = generate(N, fileRow) as Record<string, unknown>[];
    const handWritten = handWrittenFileContact(fileMapping.source.schema, fileMapping.target.schema);
    rows.slice(0, 1000).forEach(handWritten);
    const started = performance.now();
    const cpuStarted = cpuMs();
    const results = rows.map(handWritten);
    const cpu = cpuMs() - cpuStarted;
    const ms = performance.now() - started;
    console.log(line('hand-written TS: file-contacts-to-canonical', N, ms, results.filter((r) => !r.ok).length, cpu));
    const engineResults = outputs.get(fileMapping.id) ?? [];
    const differing = results.filter(
      (r, i) => r.ok !== engineResults[i]?.ok || (r.ok && JSON.stringify(r) !== JSON.stringify(engineResults[i])),
    ).length;
    console.log(`outputs identical to the engine's: ${differing === 0 ? 'yes' : `no, ${differing} records differ`}`);
    const engine = rates.get(fileMapping.id) ?? 0;
    console.log(
      `\nJSONata engine / hand-written TS (file-contacts-to-canonical): ${(engine / (ms / N)).toFixed(1)}x slower`,
    );
  }
}

/** The same mapping through a one-thread worker pool: what isolating each record costs. */
async function poolBench(mappings: MappingDefinition[]): Promise<void> {
  const mapping = mappings.find((m) => m.id === 'file-contacts-to-canonical');
  if (!mapping) return;
  const count = Math.min(N, 5000);
  const records = generate(count, fileRow);
  const pool = new MappingWorkerPool({ size: 1 });
  try {
    const options = { options: { defaultCountry: 'RU' } };
    await pool.evaluateBatch(mapping, records.slice(0, Math.min(500, count)), options); // start + warm-up
    const started = performance.now();
    const results = await pool.evaluateBatch(mapping, records, options);
    const ms = performance.now() - started;
    console.log(line('worker pool: file-contacts-to-canonical', count, ms, results.filter((r) => !r.ok).length));
    // the in-thread path on the same records right after, so both see the same machine load
    const compiled = compileMapping(mapping, { defaultCountry: 'RU' });
    const threadStarted = performance.now();
    await compiled.evaluatePage(records);
    const inThread = ((performance.now() - threadStarted) * 1000) / count;
    console.log(
      line(
        'in-thread: file-contacts-to-canonical',
        count,
        (inThread * count) / 1000,
        results.filter((r) => !r.ok).length,
      ),
    );
    console.log(`worker pool cost per record: ${((ms * 1000) / count - inThread).toFixed(1)} µs over in-thread`);
  } finally {
    await pool.close();
  }
}

main()
  .then(async () => {
    if (process.exitCode) return;
    await poolBench(loadMappings(resolve(__dirname, '../mappings')));
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
