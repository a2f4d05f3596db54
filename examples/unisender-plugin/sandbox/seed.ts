/**
 * Deterministic messy contacts for the sandbox (the same seed always gives the same people): padded and mixed-case
 * e-mails, full names in one field, "СПб"/"Питер" city spellings, local phone formats and repeated people.
 */

export interface SeedRow {
  email: string;
  Name: string;
  City?: string;
  Company?: string;
  phone?: string;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Ivan', 'Olga', 'Dmitry', 'Maria', 'Sergey', 'Elena', 'Pavel', 'Irina', 'Alexei'];
const LAST = ['Ivanova', 'Petrov', 'Smirnova', 'Kuznetsov', 'Popova', 'Sokolov', 'Volkova', 'Lebedev'];
const CITIES = ['Москва', 'Санкт-Петербург', 'СПб', 'Питер', 'Kazan', 'Новосибирск', ''];
const COMPANIES = ['Acme', 'Romashka LLC', 'ООО Ромашка', '', 'Globex'];

export function seedRows(count: number, seed = 1): SeedRow[] {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const rows: SeedRow[] = [];
  for (let i = 0; i < count; i++) {
    // about one row in twelve repeats an earlier person with different spelling
    const person = i > 10 && next() < 0.08 ? Math.floor(next() * i) : i;
    const first = FIRST[person % FIRST.length]!;
    const last = LAST[Math.floor(person / FIRST.length) % LAST.length]!;
    const local = `${first}.${last}${person}`;
    const email = next() < 0.3 ? `  ${local.toUpperCase()}@Example.com ` : `${local.toLowerCase()}@example.com`;
    const row: SeedRow = { email, Name: `${first} ${last}` };
    const city = pick(CITIES);
    if (city !== '') row.City = city;
    const company = pick(COMPANIES);
    if (company !== '') row.Company = company;
    if (next() < 0.5) row.phone = next() < 0.5 ? `8 (9${person % 100}) 123-45-67` : `+7916${String(1000000 + person)}`;
    rows.push(row);
  }
  return rows;
}
