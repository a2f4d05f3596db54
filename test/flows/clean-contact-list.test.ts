import fs from 'node:fs';
import path from 'node:path';
import { CliBed } from '../core/cli/helpers';

/**
 * The `clean-contact-list` template keeps each promise of its description, run as a user runs it (`hub flows
 * enable`, `hub flows run`, `hub dlq list`, `hub dlq replay`) on CSV files as people export them: a semicolon CSV
 * with a BOM from Excel, Windows-1251 and UTF-16 files, messy e-mails, and rows that cannot be read.
 */

const TEMPLATE = path.resolve(__dirname, '../../flows/clean-contact-list.json');
const BOM = '\ufeff';

const MESSY = [
  'Email;Phone;Full name;City;Country;Consent',
  'Ivan.Petrov@Example.com ;8 (912) 345-67-89;Петров Иван Сергеевич;СПб;Россия;да',
  'ivan.petrov@example.com;8 (912) 345-67-89;Петров Иван Сергеевич;СПб;Россия;да',
  'anna@example;+7 900 000-00-00;Анна Смирнова;Москва;RU;нет',
  ';+7 900 000-00-01;Без Почты;Москва;RU;да',
  '  John.Smith@Example.COM ;+1 212-555-0123;John Ronald Smith;New  York;US;no',
  'bad@example.com;1;Broken Row;Moscow;RU;yes;one too many',
  'jane.doe@example.com;+44 20 7946 0958;"Doe; Jane";London;United Kingdom;yes',
];

interface Letter {
  id: string;
  recordKey: string;
  reason: string;
  failureKind: string;
  source?: Record<string, unknown>;
}

describe('template clean-contact-list: its description', () => {
  it('its description says what this test checks, sentence by sentence', () => {
    const template = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as { description: string };
    expect(template.description.split(/(?<=\.) /)).toEqual([
      'Takes a contact list exported as a CSV file (columns Email, Phone, Full name, City, Country, Consent) and writes a cleaned copy: emails in lowercase, phone numbers in international format, names split into first, middle and last, city names spelled one way, countries as two-letter codes and email consent as yes/no.',
      "The file's delimiter (comma, semicolon, tab) and encoding (UTF-8, Windows-1251, UTF-16) are detected.",
      'Each contact is recognised by its email, however it is capitalised or spaced: rows you add or change later are cleaned on the next run, rows already cleaned are not written twice, and rows without a usable email, or that cannot be read, are set aside for review (hub dlq list) instead of stopping the run.',
    ]);
  });
});

describe('template clean-contact-list keeps its promises', () => {
  let bed: CliBed;
  const file = () => path.join(bed.dir, 'files', 'contacts.csv');
  const output = () => path.join(bed.dir, 'files', 'clean.ndjson');
  const cleaned = () =>
    fs.existsSync(output())
      ? fs
          .readFileSync(output(), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  const letters = async (): Promise<Letter[]> => {
    const listed = await bed.hub('dlq', 'list', '--flow', 'clean-contact-list', '--json');
    expect(listed.code).toBe(0);
    return (JSON.parse(listed.stdout) as Letter[]).sort((a, b) =>
      String(a.source?._line).localeCompare(String(b.source?._line)),
    );
  };

  async function setUp(contacts: Record<string, unknown> = {}): Promise<void> {
    bed = new CliBed();
    await bed.fileConnection('contacts', { path: 'contacts.csv', ...contacts });
    await bed.fileConnection('cleaned', { output: 'clean.ndjson' });
    await bed.enableCleanContactList();
  }
  afterEach(() => bed.cleanup());

  it('a semicolon CSV with a BOM from Excel: cleaned once per e-mail, the unusable rows set aside with the reason', async () => {
    await setUp();
    fs.writeFileSync(file(), BOM + MESSY.join('\r\n') + '\r\n');
    const run = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(run.code).toBe(0);
    // "The file's delimiter ... and encoding ... are detected" — and the summary says how it read the file
    expect(run.stdout).toContain('source read as contacts.csv: UTF-8 with BOM, delimiter semicolon');
    expect(run.stdout).toMatch(/run \S+ partial .*read 7, .*created 3, .*dead-lettered 3\)/);

    // "writes a cleaned copy: emails in lowercase, phone numbers in international format, names split ...,
    // city names spelled one way, countries as two-letter codes and email consent as yes/no"
    // "Each contact is recognised by its email, however it is capitalised or spaced": one row per e-mail
    expect(cleaned()).toEqual([
      {
        email: 'ivan.petrov@example.com',
        phone: '+79123456789',
        givenName: 'Иван',
        middleName: 'Сергеевич',
        familyName: 'Петров',
        city: 'Санкт-Петербург',
        country: 'RU',
        consent: { email: true },
      },
      {
        email: 'john.smith@example.com',
        phone: '+12125550123',
        givenName: 'John',
        middleName: 'Ronald',
        familyName: 'Smith',
        city: 'New York',
        country: 'US',
        consent: { email: false },
      },
      expect.objectContaining({ email: 'jane.doe@example.com', country: 'GB', consent: { email: true } }),
    ]);

    // "rows without a usable email, or that cannot be read, are set aside for review (hub dlq list)"
    const set = await letters();
    expect(set.map((l) => [l.source?._line, l.failureKind, l.reason])).toEqual([
      [4, 'identity', 'the identity field "Email" does not hold a usable e-mail address'],
      [5, 'identity', 'the record has no value for its identity field "Email"'],
      [
        7,
        'source',
        'contacts.csv line 7 cannot be read: the row has 7 cells, the file has 6 columns (Email, Phone, Full name, City, Country, Consent)',
      ],
    ]);
    expect(set[2].source).toEqual({ _line: 7, raw: 'bad@example.com;1;Broken Row;Moscow;RU;yes;one too many' });

    // "rows already cleaned are not written twice"
    const again = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(JSON.parse(again.stdout).counts).toMatchObject({ created: 0, updated: 0 });
    expect(cleaned()).toHaveLength(3);

    // "rows you add or change later are cleaned on the next run"
    fs.appendFileSync(file(), 'NEW.Person@Example.org;+7 495 123-45-67;Новый Человек;Москва;RU;да\r\n');
    const added = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(JSON.parse(added.stdout).counts).toMatchObject({ created: 1 });
    expect(cleaned().map((r) => r.email)).toEqual([
      'ivan.petrov@example.com',
      'john.smith@example.com',
      'jane.doe@example.com',
      'new.person@example.org',
    ]);
  });

  /** Windows-1251 bytes: ASCII as is, Cyrillic А..я at 0xC0..0xFF (Node has no encoder for the code page). */
  const cp1251 = (text: string) =>
    Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : ch.charCodeAt(0) - 0x350)));

  it.each([
    ['Windows-1251', cp1251, 'Windows-1251'],
    ['UTF-16 LE from Excel', (text: string) => Buffer.from(BOM + text, 'utf16le'), 'UTF-16 LE with BOM'],
  ])('reads a %s file right', async (_name, encode, readAs) => {
    await setUp();
    const bytes = encode([MESSY[0], MESSY[1], MESSY[7]].join('\r\n') + '\r\n');
    fs.writeFileSync(file(), bytes);
    const run = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`source read as contacts.csv: ${readAs}, delimiter semicolon`);
    expect(cleaned()).toEqual([
      expect.objectContaining({ email: 'ivan.petrov@example.com', familyName: 'Петров', city: 'Санкт-Петербург' }),
      expect.objectContaining({ email: 'jane.doe@example.com', phone: '+442079460958', city: 'London' }),
    ]);
  });

  it('fix and replay: a mis-set delimiter dead-letters every row; after fixing the connection, replay writes them', async () => {
    await setUp({ delimiter: ',' });
    fs.writeFileSync(file(), BOM + MESSY.join('\r\n') + '\r\n');
    const wrong = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(JSON.parse(wrong.stdout).counts).toMatchObject({ read: 7, created: 0, deadLettered: 7 });
    expect(cleaned()).toEqual([]);

    // replaying the stored (mis-parsed) copies fixes nothing: non-zero exit
    const stored = await bed.hub('dlq', 'replay', '--flow', 'clean-contact-list', '--from-stored');
    expect(stored.code).toBe(1);
    expect(stored.stdout).toMatch(/replayed 0, written 0, still failing 7/);
    expect(stored.stderr).toContain('nothing was fixed');

    // fix the connection: let the delimiter be detected
    const fixed = await bed.hub(
      'connections',
      'update',
      'contacts',
      '--settings',
      bed.write('fix.json', { delimiter: null }),
    );
    expect(fixed.code).toBe(0);
    const replay = await bed.hub('dlq', 'replay', '--flow', 'clean-contact-list');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/replayed 4, written 3, still failing 3/);
    expect(
      cleaned()
        .map((r) => r.email)
        .sort(),
    ).toEqual(['ivan.petrov@example.com', 'jane.doe@example.com', 'john.smith@example.com']);
    const left = await letters();
    expect(left.map((l) => [l.source?._line, l.failureKind])).toEqual([
      [4, 'identity'],
      [5, 'identity'],
      [7, 'source'],
    ]);
    expect(left[2].reason).toContain('contacts.csv line 7 cannot be read: the row has 7 cells');

    // nothing else to fix: the replay says so and exits non-zero
    const nothing = await bed.hub('dlq', 'replay', '--flow', 'clean-contact-list');
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toMatch(/replayed 0, written 0, still failing 3/);

    // the data is fixed in the file: replay re-reads line 7 and writes it
    const lines = MESSY.slice();
    lines[6] = 'bad@example.com;1;Broken Row;Moscow;RU;yes';
    fs.writeFileSync(file(), BOM + lines.join('\r\n') + '\r\n');
    const dataFixed = await bed.hub('dlq', 'replay', '--flow', 'clean-contact-list');
    expect(dataFixed.code).toBe(0);
    expect(dataFixed.stdout).toMatch(/replayed 1, written 1, still failing 2/);
    expect(cleaned().map((r) => r.email)).toContain('bad@example.com');
  });

  it('after fixing the connection, a rerun reads the whole file again instead of skipping the mis-read rows', async () => {
    await setUp({ delimiter: ',' });
    fs.writeFileSync(file(), BOM + MESSY.join('\r\n') + '\r\n');
    const wrong = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(JSON.parse(wrong.stdout).counts).toMatchObject({ read: 7, created: 0 });
    const fixed = await bed.hub(
      'connections',
      'update',
      'contacts',
      '--settings',
      bed.write('fix.json', { delimiter: ';' }),
    );
    expect(fixed.code).toBe(0);
    const rerun = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(JSON.parse(rerun.stdout).counts).toMatchObject({ read: 7, created: 3 });
    expect(cleaned()).toHaveLength(3);
  });
});
