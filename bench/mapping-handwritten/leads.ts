import { normalizeEmail, normalizePhone, skip, splitFullName } from '../../core/mapping/stdlib';
import {
  callSite,
  DEFAULT_COUNTRY,
  normalizeCity,
  own,
  put,
  stdlibAt,
  text,
  type Body,
  type MakeBody,
  type Row,
} from './common';

/**
 * Google Ads and Meta lead form submissions to HubSpot contacts: the top-level answers, else the form's fields by
 * key; marketing consent only from a consent question answered yes.
 */

const YES = new Set(['true', 'yes', '1', 'on', 'checked', 'да']);
const CONSENT_KEY = /consent|opt.?in|marketing/i;
const ISO = /^[A-Z]{2}$/;

/** Where a lead form keeps each answer: the record's own member (if any), then the fields' keys in order. */
interface LeadForm {
  email: readonly string[];
  /** firstName/lastName members (Google's); Meta has only the fields */
  firstMember?: string;
  first: readonly string[];
  lastMember?: string;
  last: readonly string[];
  fullMember: string;
  full: readonly string[];
  phone: readonly string[];
  country: readonly string[];
  city: readonly string[];
  zip: readonly string[];
  company: readonly string[];
  noEmail: string;
  unusable: (raw: string) => string;
}

/** The first non-blank answer among the keys, trimmed. */
function field(fields: Row, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(own(fields, key));
    if (value !== '') return value;
  }
  return undefined;
}

function answer(record: Row, member: string | undefined, fields: Row, keys: readonly string[]): string | undefined {
  const value = member === undefined ? '' : text(record[member]);
  return value !== '' ? value : field(fields, keys);
}

function consented(fields: Row): boolean {
  for (const key in fields) {
    if (CONSENT_KEY.test(key) && YES.has(text(fields[key]).toLowerCase())) return true;
  }
  return false;
}

function lead(form: LeadForm): MakeBody {
  return (expression) => {
    const phoneSite = callSite(expression, 'normalizePhone');
    const body: Body = (record) => {
      const fields = record.fields as Row;
      const raw = answer(record, 'email', fields, form.email);
      const email = normalizeEmail(raw);
      const country = field(fields, form.country)?.toUpperCase();
      const iso = country !== undefined && ISO.test(country) ? country : undefined;
      // the phone first: a country the phone library does not know fails the record even when it is skipped
      const phoneText = answer(record, 'phone', fields, form.phone);
      const phone =
        phoneText === undefined
          ? undefined
          : stdlibAt(phoneSite, () => normalizePhone(phoneText, iso, DEFAULT_COUNTRY));
      if (raw === undefined) return skip(form.noEmail);
      if (email === undefined) return skip(form.unusable(raw));
      const first = answer(record, form.firstMember, fields, form.first);
      const last = answer(record, form.lastMember, fields, form.last);
      const split =
        first === undefined || last === undefined
          ? splitFullName(answer(record, form.fullMember, fields, form.full))
          : undefined;
      const properties: Row = {};
      put(properties, 'firstname', first !== undefined ? splitFullName(first)?.given : split?.given);
      put(properties, 'lastname', last !== undefined ? splitFullName(last)?.given : split?.family);
      put(properties, 'phone', phone);
      put(properties, 'city', normalizeCity(field(fields, form.city)));
      put(properties, 'zip', field(fields, form.zip));
      put(properties, 'country', country);
      put(properties, 'company', field(fields, form.company));
      if (consented(fields)) properties.marketing_consent = 'true';
      return { email, properties };
    };
    return body;
  };
}

export const LEADS: Record<string, MakeBody> = {
  'google-lead-to-hubspot-contact': lead({
    email: ['EMAIL', 'WORK_EMAIL'],
    firstMember: 'firstName',
    first: ['FIRST_NAME'],
    lastMember: 'lastName',
    last: ['LAST_NAME'],
    fullMember: 'fullName',
    full: ['FULL_NAME'],
    phone: ['PHONE_NUMBER', 'WORK_PHONE'],
    country: ['COUNTRY'],
    city: ['CITY'],
    zip: ['POSTAL_CODE', 'ZIP_CODE'],
    company: ['COMPANY_NAME'],
    noEmail: 'no e-mail in the lead form submission: HubSpot matches contacts by e-mail',
    unusable: (raw) => `the submission's e-mail "${raw}" is not a usable address`,
  }),
  'meta-lead-to-hubspot-contact': lead({
    email: ['email', 'work_email'],
    first: ['first_name'],
    last: ['last_name'],
    fullMember: 'full_name',
    full: ['full_name'],
    phone: ['phone_number', 'phone'],
    country: ['country'],
    city: ['city'],
    zip: ['zip_code', 'post_code', 'zip'],
    company: ['company_name'],
    noEmail: 'no e-mail in the lead: HubSpot matches contacts by e-mail',
    unusable: (raw) => `the lead's e-mail "${raw}" is not a usable address`,
  }),
};
