/**
 * Deterministic messy contacts for sandboxes and the demo: padded and mixed-case e-mails, full names in
 * one field, local phone formats, city spellings ("СПб", "Питер"), missing values and duplicate people.
 * The same seed always yields the same people, so two sandboxes can hold overlapping audiences.
 */

export interface SeedContact {
  /** Stable key of the person this row describes (duplicates share it). */
  person: string;
  email: string;
  firstName?: string;
  lastName?: string;
  /** Set instead of first/last name on some rows, as CRMs imported from spreadsheets have them. */
  fullName?: string;
  phone?: string;
  city?: string;
  company?: string;
  lifecycleStage: 'subscriber' | 'lead' | 'marketingqualifiedlead' | 'opportunity' | 'customer';
  marketingConsent: boolean;
  /** ISO time of the last change. */
  updatedAt: string;
}

/** mulberry32: a tiny seeded PRNG, enough for reproducible fixtures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Anna',
  'Ivan',
  'Olga',
  'Dmitry',
  'Maria',
  'Sergey',
  'Elena',
  'Pavel',
  'Irina',
  'Alexei',
  'Emma',
  'Liam',
  'Sofia',
  'Noah',
  'Mia',
  'Lucas',
];
const LAST = [
  'Ivanova',
  'Petrov',
  'Smirnova',
  'Kuznetsov',
  'Popova',
  'Sokolov',
  'Lebedeva',
  'Novikov',
  'Miller',
  'Garcia',
  'Schmidt',
  'Rossi',
  'Dubois',
  'Nowak',
];
const CITIES = [
  'СПб',
  'Питер',
  'Санкт-Петербург',
  'С.-Петербург',
  'Москва',
  'мск',
  'Moscow',
  'Berlin',
  ' berlin ',
  'Paris',
  'Новосибирск',
  undefined,
];
const DOMAINS = ['example.com', 'mail.example.org', 'Example.NET', 'corp.example.com'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark Industries', undefined];
const STAGES: SeedContact['lifecycleStage'][] = [
  'subscriber',
  'lead',
  'lead',
  'marketingqualifiedlead',
  'opportunity',
  'customer',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function digits(random: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(Math.floor(random() * 10));
  return out;
}

function phone(random: () => number): string | undefined {
  const d = digits(random, 7);
  const op = `9${digits(random, 2)}`;
  switch (Math.floor(random() * 6)) {
    case 0:
      return `8 (${op}) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
    case 1:
      return `+7 ${op} ${d}`;
    case 2:
      return `8${op}${d}`;
    case 3:
      return `+7-${op}-${d.slice(0, 3)}-${d.slice(3)}`;
    case 4:
      return `+49 30 ${d}`;
    default:
      return undefined;
  }
}

function messyEmail(random: () => number, local: string, domain: string): string {
  const variant = Math.floor(random() * 4);
  if (variant === 0) return `  ${local}@${domain} `;
  if (variant === 1) return `${local.toUpperCase()}@${domain.toUpperCase()}`;
  if (variant === 2) return `${local[0]!.toUpperCase()}${local.slice(1)}@${domain}`;
  return `${local}@${domain}`;
}

/**
 * `count` contacts; about one in twenty is a second row for an earlier person (same address in other
 * casing, other spelling of the city). Times run forward from `start`, one second apart.
 */
export function messyContacts(count: number, seed = 1, start = Date.UTC(2026, 0, 1)): SeedContact[] {
  const random = seededRandom(seed);
  const out: SeedContact[] = [];
  for (let i = 0; i < count; i++) {
    const updatedAt = new Date(start + i * 1000).toISOString();
    if (out.length > 10 && random() < 0.05) {
      const original = out[Math.floor(random() * out.length)]!;
      const [local = 'x', domain = 'example.com'] = original.email.trim().toLowerCase().split('@');
      out.push({ ...original, email: messyEmail(random, local, domain), city: pick(random, CITIES), updatedAt });
      continue;
    }
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const local = `${first}.${last}.${i}`.toLowerCase();
    const contact: SeedContact = {
      person: `p${i}`,
      email: messyEmail(random, local, pick(random, DOMAINS)),
      lifecycleStage: pick(random, STAGES),
      marketingConsent: random() < 0.8,
      updatedAt,
    };
    if (random() < 0.2) contact.fullName = random() < 0.5 ? `  ${first}   ${last} ` : `${last.toUpperCase()} ${first}`;
    else {
      contact.firstName = random() < 0.2 ? first.toLowerCase() : first;
      contact.lastName = last;
    }
    const p = phone(random);
    if (p !== undefined) contact.phone = p;
    const city = pick(random, CITIES);
    if (city !== undefined) contact.city = city;
    const company = pick(random, COMPANIES);
    if (company !== undefined) contact.company = company;
    out.push(contact);
  }
  return out;
}
