import type { Consent } from '../schemas/records';

/**
 * The shape of one record as a mapping wrote it, checked before it is built into a Data Manager row. The runner does
 * not hold records to the action's recordSchema, so a mapping that writes a phone or an order number as a number,
 * null for "not known", or a consent value Google does not know reaches the action as it is. Unchecked, a number
 * where text was expected threw inside the write (one record failing its whole batch of up to 10,000), a missing
 * transactionId went to Google (a conversion no rerun or refund can find again), and an unknown consent value made
 * Google refuse the whole request. Here such a record fails alone, naming the field; harmless differences are taken
 * (numbers as their text, null and empty text as absent, a consent written in lower case).
 */

export type ShapeResult<R> = { record: R } | { problem: string; field: string };

const CONSENT_VALUES = ['CONSENT_GRANTED', 'CONSENT_DENIED', 'CONSENT_STATUS_UNSPECIFIED'] as const;
const TEXT_FIELDS = ['transactionId', 'eventTimestamp', 'gclid', 'gbraid', 'wbraid', 'currency', 'eventSource'];
const PERSON_TEXT = ['givenName', 'familyName', 'regionCode', 'postalCode'];
const LISTS = ['email', 'phone'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function consentOf(input: unknown): { value: Consent | undefined } | { problem: string; field: string } {
  if (absent(input)) return { value: undefined };
  if (!isObject(input))
    return {
      problem: 'consent must be { adUserData, adPersonalization } with Google consent values',
      field: 'consent',
    };
  const out: Consent = {};
  for (const key of ['adUserData', 'adPersonalization'] as const) {
    const raw = input[key];
    if (absent(raw)) continue;
    const value = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
    if (!(CONSENT_VALUES as readonly unknown[]).includes(value))
      return {
        problem: `consent.${key} ${JSON.stringify(raw)} is not ${CONSENT_VALUES.join(', ')}: the mapping must translate the person's consent (unknown consent is left out, never granted)`,
        field: `consent.${key}`,
      };
    out[key] = value as Consent['adUserData'];
  }
  return { value: Object.keys(out).length === 0 ? undefined : out };
}

/**
 * The record with numbers as text, absent values removed and consent checked, or the first field a mapping got
 * wrong. `required` names the text fields the action cannot go without.
 */
export function shapeRecord<R>(input: unknown, required: readonly string[] = []): ShapeResult<R> {
  if (!isObject(input)) return { problem: 'the record is not an object', field: required[0] ?? 'email' };
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    if (absent(raw)) continue;
    if (key === 'consent') continue;
    if (TEXT_FIELDS.includes(key) || PERSON_TEXT.includes(key)) {
      const value = text(raw);
      if (value === undefined) return { problem: `${key} must be text`, field: key };
      out[key] = value;
    } else if (LISTS.includes(key)) {
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => !absent(v)).map(text);
      if (values.some((v) => v === undefined))
        return { problem: `${key} must be text (or a list of texts)`, field: key };
      if (values.length > 0) out[key] = values.length === 1 ? values[0] : values;
    } else if (key === 'conversionValue') {
      const value = typeof raw === 'string' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        return { problem: `conversionValue ${JSON.stringify(raw)} is not an amount`, field: key };
      out[key] = value;
    } else out[key] = raw;
  }
  for (const key of required)
    if (out[key] === undefined)
      return {
        problem:
          key === 'transactionId'
            ? 'transactionId is missing: the mapping must set it to the order reference (Google de-duplicates by it, and a refund finds the conversion by it)'
            : `${key} is missing`,
        field: key,
      };
  const consent = consentOf(input.consent);
  if ('problem' in consent) return consent;
  if (consent.value !== undefined) out.consent = consent.value;
  return { record: out as R };
}
