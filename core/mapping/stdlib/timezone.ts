/**
 * Time-zone arithmetic on top of Intl.DateTimeFormat (no dependency): the wall-clock fields of an instant in an IANA
 * zone, its UTC offset, and the instant of a wall-clock time in a zone.
 */

export interface ZonedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC (Moscow: 180). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws `{ code: 'stdlib.<fn>' }` for a zone Intl does not know. */
export function zoneFormatter(timeZone: string, fn: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw {
        code: `stdlib.${fn}`,
        message: `unknown time zone "${timeZone}" (expected an IANA name like Europe/Moscow)`,
      };
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClockAsUtc(fields: Omit<ZonedFields, 'offsetMinutes'>): number {
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, fields.millisecond);
  return date.getTime();
}

export function zonedFields(epochMs: number, timeZone: string, fn: string): ZonedFields {
  const parts = zoneFormatter(timeZone, fn).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  const fields = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
    millisecond,
  };
  return { ...fields, offsetMinutes: Math.round((wallClockAsUtc(fields) - epochMs) / 60000) };
}

/** The instant at which the wall clock in `timeZone` shows the given fields (earlier one when ambiguous). */
export function zonedWallTimeToEpoch(fields: Omit<ZonedFields, 'offsetMinutes'>, timeZone: string, fn: string): number {
  const asUtc = wallClockAsUtc(fields);
  const firstOffset = zonedFields(asUtc, timeZone, fn).offsetMinutes;
  const candidate = asUtc - firstOffset * 60000;
  const secondOffset = zonedFields(candidate, timeZone, fn).offsetMinutes;
  return secondOffset === firstOffset ? candidate : asUtc - secondOffset * 60000;
}

export function isValidCalendarDate(fields: Omit<ZonedFields, 'offsetMinutes'>): boolean {
  const date = new Date(wallClockAsUtc(fields));
  return (
    date.getUTCFullYear() === fields.year &&
    date.getUTCMonth() === fields.month - 1 &&
    date.getUTCDate() === fields.day &&
    date.getUTCHours() === fields.hour &&
    date.getUTCMinutes() === fields.minute &&
    date.getUTCSeconds() === fields.second
  );
}
