import { isValidCalendarDate, zonedFields, zonedWallTimeToEpoch, zoneFormatter, type ZonedFields } from './timezone';

/**
 * `$formatDate(value, pattern?, tz?, inputTz?)`
 *
 * value: epoch milliseconds (number or digit string), ISO 8601 (`2024-03-01`, `2024-03-01T10:00:00Z`,
 *   `2024-03-01 10:00:00.123+03:00`) or `dd.MM.yyyy[ HH:mm[:ss]]`. A value without an offset is wall time in `inputTz`
 *   (default UTC). Unparseable or empty → undefined (the target schema decides whether that is acceptable).
 * pattern: tokens yyyy yy MM M dd d HH H mm m ss s SSS SS S XXX XX X xxx xx Z; text in single quotes ('T');
 *   other letters are rejected. Presets: 'iso' (default), 'date', 'datetime', 'epoch-ms', 'epoch-s'.
 * tz: IANA zone for the output (default UTC). An unknown zone or token fails the evaluation (`stdlib.formatDate`).
 */

const PRESETS: Record<string, string> = {
  iso: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  date: 'yyyy-MM-dd',
  datetime: 'yyyy-MM-dd HH:mm:ss',
};

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function fail(message: string): never {
  throw { code: 'stdlib.formatDate', message };
}

function offsetToMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return offset.startsWith('-') ? -minutes : minutes;
}

function fromFields(fields: Omit<ZonedFields, 'offsetMinutes'>, offset: string | undefined, inputTz: string) {
  if (!isValidCalendarDate(fields)) return undefined;
  if (offset === undefined) return zonedWallTimeToEpoch(fields, inputTz, 'formatDate');
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return asUtc + fields.millisecond - offsetToMinutes(offset) * 60000;
}

/** Parses a date value to epoch milliseconds; undefined when it is empty or not a date. */
export function parseDateValue(value: unknown, inputTz = 'UTC'): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = iso;
    const millisecond = Number(frac.padEnd(3, '0').slice(0, 3));
    const fields = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s, millisecond };
    return fromFields(fields, offset, inputTz);
  }
  const ru = RU_DATE.exec(text);
  if (ru) {
    const [, d, mo, y, h = '0', mi = '0', s = '0'] = ru;
    return fromFields(
      { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s, millisecond: 0 },
      undefined,
      inputTz,
    );
  }
  return undefined;
}

function pad(value: number, width: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).padStart(width, '0');
}

function formatOffset(minutes: number, style: 'X' | 'XX' | 'XXX' | 'xx' | 'xxx' | 'Z'): string {
  if (minutes === 0 && style.startsWith('X')) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const hh = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const mm = pad(Math.abs(minutes) % 60, 2);
  if (style === 'X') return `${sign}${hh}${mm === '00' ? '' : mm}`;
  return style === 'XXX' || style === 'xxx' ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
}

function formatToken(token: string, f: ZonedFields): string {
  switch (token) {
    case 'yyyy':
      return pad(f.year, 4);
    case 'yy':
      return pad(f.year % 100, 2);
    case 'MM':
    case 'dd':
    case 'HH':
    case 'mm':
    case 'ss': {
      const key = { MM: 'month', dd: 'day', HH: 'hour', mm: 'minute', ss: 'second' } as const;
      return pad(f[key[token]], 2);
    }
    case 'M':
      return String(f.month);
    case 'd':
      return String(f.day);
    case 'H':
      return String(f.hour);
    case 'm':
      return String(f.minute);
    case 's':
      return String(f.second);
    case 'SSS':
    case 'SS':
    case 'S':
      return pad(f.millisecond, 3).slice(0, token.length);
    case 'X':
    case 'XX':
    case 'XXX':
    case 'xx':
    case 'xxx':
    case 'Z':
      return formatOffset(f.offsetMinutes, token);
    default:
      return fail(`unknown date pattern token "${token}" (quote literal text: 'T')`);
  }
}

/** Formats the instant with a pattern (see the module comment) in the given zone. */
export function formatEpoch(epochMs: number, pattern: string, timeZone: string): string {
  const fields = zonedFields(epochMs, timeZone, 'formatDate');
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) fail(`unterminated quote in date pattern "${pattern}"`);
      out += end === i + 1 ? "'" : pattern.slice(i + 1, end);
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      out += formatToken(pattern.slice(i, j), fields);
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export function formatDate(
  value: unknown,
  pattern: unknown,
  tz: unknown,
  inputTz: unknown,
): string | number | undefined {
  const zone = typeof tz === 'string' && tz.length > 0 ? tz : 'UTC';
  const sourceZone = typeof inputTz === 'string' && inputTz.length > 0 ? inputTz : 'UTC';
  zoneFormatter(zone, 'formatDate');
  const epochMs = parseDateValue(value, sourceZone);
  if (epochMs === undefined || !Number.isFinite(new Date(epochMs).getTime())) return undefined;
  const picture = typeof pattern === 'string' && pattern.length > 0 ? pattern : 'iso';
  if (picture === 'epoch-ms') return epochMs;
  if (picture === 'epoch-s') return Math.floor(epochMs / 1000);
  return formatEpoch(epochMs, PRESETS[picture] ?? picture, zone);
}
