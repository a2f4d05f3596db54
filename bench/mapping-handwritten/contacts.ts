import { metaHash, normalizeEmail, normalizePhone, skip, splitFullName } from '../../core/mapping/stdlib';
import {
  DEFAULT_COUNTRY,
  jsonataString,
  normalizeCity,
  own,
  put,
  text,
  trim,
  type Body,
  type MakeBody,
  type Row,
} from './common';

/** HubSpot, Mailchimp, SendGrid and file contacts and the canonical contact: the first seven twins. */

export function properties(record: Row): Row {
  const p = record.properties;
  return typeof p === 'object' && p !== null ? (p as Row) : {};
}

const HUBSPOT_COUNTRIES: Record<string, string> = {
  russia: 'RU',
  россия: 'RU',
  рф: 'RU',
  'russian federation': 'RU',
  ru: 'RU',
  germany: 'DE',
  deutschland: 'DE',
  германия: 'DE',
  de: 'DE',
  'united states': 'US',
  usa: 'US',
  сша: 'US',
  us: 'US',
  'united kingdom': 'GB',
  uk: 'GB',
  gb: 'GB',
  france: 'FR',
  fr: 'FR',
};
const STAGES: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing qualified lead',
  salesqualifiedlead: 'Sales qualified lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};
const HUBSPOT_YES = new Set(['true', 'yes', '1', 'да']);
const NO_CONSENT = "no marketing consent in HubSpot (the contact's marketing_consent is not true)";

export function hubspotName(p: Row): ReturnType<typeof splitFullName> {
  const parts = [text(p.firstname), text(p.lastname)].filter((part) => part !== '');
  return splitFullName(parts.length > 0 ? parts.join(' ') : undefined);
}

function hubspotPhone(p: Row, country: string | undefined): unknown {
  return normalizePhone(text(p.phone) !== '' ? p.phone : p.mobilephone, country, DEFAULT_COUNTRY);
}

const hubspotToMailchimp: Body = (record) => {
  const p = properties(record);
  if (!HUBSPOT_YES.has(text(p.marketing_consent).toLowerCase())) return skip(NO_CONSENT);
  const name = hubspotName(p);
  const country = own(HUBSPOT_COUNTRIES, text(p.country).toLowerCase());
  const stage = own(STAGES, text(p.lifecyclestage).toLowerCase());
  const mergeFields: Row = {};
  put(mergeFields, 'FNAME', name?.given);
  put(mergeFields, 'LNAME', name?.family);
  put(mergeFields, 'PHONE', hubspotPhone(p, country));
  put(mergeFields, 'CITY', normalizeCity(p.city));
  const out: Row = {};
  put(out, 'email_address', normalizeEmail(p.email));
  out.status_if_new = 'subscribed';
  out.merge_fields = mergeFields;
  if (stage) out.tags = [`Lifecycle: ${stage}`];
  return out;
};

const hubspotToSendgrid: Body = (record) => {
  const p = properties(record);
  if (!HUBSPOT_YES.has(text(p.marketing_consent).toLowerCase())) return skip(NO_CONSENT);
  const name = hubspotName(p);
  const country = own(HUBSPOT_COUNTRIES, text(p.country).toLowerCase());
  const stage = text(p.lifecyclestage).toLowerCase();
  const out: Row = {};
  put(out, 'email', normalizeEmail(p.email));
  put(out, 'first_name', name?.given);
  put(out, 'last_name', name?.family);
  put(out, 'phone_number', hubspotPhone(p, country));
  put(out, 'city', normalizeCity(p.city));
  put(out, 'country', country);
  if (stage !== '') out.custom_fields = { lifecycle_stage: stage };
  return out;
};

const STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending']);

const mailchimpToHubspot: Body = (record) => {
  const trimmed = (value: unknown) => (typeof value === 'string' ? trim(value) : '');
  const status = record.status;
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    return skip(`the member is ${status === undefined ? '' : jsonataString(status)}: nothing to tell HubSpot`);
  }
  const merge = record.merge_fields as Row | undefined;
  const address = typeof merge?.ADDRESS === 'object' && merge.ADDRESS !== null ? (merge.ADDRESS as Row) : {};
  const props: Row = { email_subscription_status: status };
  const language = trimmed(record.language);
  if (language !== '') props.hs_language = language.toLowerCase();
  for (const [key, field] of [
    ['address', 'addr1'],
    ['zip', 'zip'],
    ['state', 'state'],
  ] as const) {
    const value = trimmed(address[field]);
    if (value !== '') props[key] = value;
  }
  const out: Row = {};
  put(out, 'email', normalizeEmail(record.email_address));
  out.properties = props;
  return out;
};

const suppressionToHubspot: Body = (record) => {
  const out: Row = {};
  put(out, 'email', normalizeEmail(record.email));
  out.properties = { email_subscription_status: record.type === 'bounce' ? 'cleaned' : 'unsubscribed' };
  return out;
};

const canonicalToHubspot: Body = (record) => {
  const props: Row = {};
  put(props, 'email', record.email);
  put(props, 'firstname', record.givenName);
  put(props, 'lastname', record.familyName);
  put(props, 'phone', record.phone);
  put(props, 'city', record.city);
  return { properties: props };
};

const canonicalToMetaAudience: Body = (record) => {
  const consent = record.consent as Row | undefined;
  if (consent?.email !== true)
    return skip('no marketing consent (consent.email is not true): never sent to an ad platform');
  const out: Row = {};
  const hash = (key: string, value: unknown, country?: unknown) => metaHash(key, value, country, DEFAULT_COUNTRY);
  put(out, 'EMAIL', hash('em', record.email));
  put(out, 'PHONE', hash('ph', record.phone, record.country));
  put(out, 'FN', hash('fn', record.givenName));
  put(out, 'LN', hash('ln', record.familyName));
  put(out, 'CT', hash('ct', record.city));
  put(out, 'COUNTRY', hash('country', record.country));
  return out;
};

const FILE_COUNTRIES: Record<string, string> = {
  россия: 'RU',
  рф: 'RU',
  russia: 'RU',
  'russian federation': 'RU',
  беларусь: 'BY',
  belarus: 'BY',
  казахстан: 'KZ',
  kazakhstan: 'KZ',
  германия: 'DE',
  germany: 'DE',
  сша: 'US',
  usa: 'US',
  'united states': 'US',
  великобритания: 'GB',
  'united kingdom': 'GB',
  uk: 'GB',
};
const FILE_YES = new Set(['yes', 'y', 'true', '1', 'да', 'д', '+', 'on']);

const fileContactToCanonical: Body = (row) => {
  const c = typeof row.Country === 'string' ? row.Country.trim().toLowerCase() : '';
  const country = own(FILE_COUNTRIES, c) ?? (/^[a-z]{2}$/.test(c) ? c.toUpperCase() : undefined);
  const name = splitFullName(row['Full name']);
  const out: Row = {};
  put(out, 'email', normalizeEmail(row.Email));
  put(out, 'phone', normalizePhone(row.Phone, country, DEFAULT_COUNTRY));
  put(out, 'givenName', name?.given);
  put(out, 'familyName', name?.family);
  put(out, 'middleName', name?.middle);
  put(out, 'city', normalizeCity(row.City));
  put(out, 'country', country);
  out.consent = { email: FILE_YES.has(text(row.Consent).toLowerCase()) };
  return out;
};

export const CONTACTS: Record<string, MakeBody> = {
  'hubspot-contact-to-mailchimp-member': () => hubspotToMailchimp,
  'hubspot-contact-to-sendgrid-contact': () => hubspotToSendgrid,
  'mailchimp-member-to-hubspot-contact': () => mailchimpToHubspot,
  'sendgrid-suppression-to-hubspot-contact': () => suppressionToHubspot,
  'canonical-contact-to-hubspot': () => canonicalToHubspot,
  'canonical-contact-to-meta-audience': () => canonicalToMetaAudience,
  'file-contacts-to-canonical': () => fileContactToCanonical,
};
