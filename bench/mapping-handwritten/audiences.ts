import { googleHash, googleNormalize, metaHash, skip } from '../../core/mapping/stdlib';
import { DEFAULT_COUNTRY, normalizeCity, own, put, text, type Body, type MakeBody, type Row } from './common';
import { hubspotName, properties } from './contacts';

/**
 * HubSpot contacts to Google Customer Match and Meta Custom Audience members and removals: consent and list
 * membership decide first, identifiers are hashed only for a contact that is sent.
 */

const YES = new Set(['true', 'yes', '1', 'да']);
const LEFT = new Set(['false', 'no', '0', 'left', 'removed']);
const COUNTRIES: Record<string, string> = {
  russia: 'RU',
  россия: 'RU',
  рф: 'RU',
  'russian federation': 'RU',
  germany: 'DE',
  deutschland: 'DE',
  германия: 'DE',
  'united states': 'US',
  usa: 'US',
  сша: 'US',
  'united kingdom': 'GB',
  uk: 'GB',
  france: 'FR',
};
const ISO = /^[A-Za-z]{2}$/;

const NO_CONSENT = 'no marketing consent in HubSpot (marketing_consent is not true): never sent to an ad platform';
const NOT_LISTED = 'not on the audience list (ad_audience is not true)';
const ARCHIVED = 'archived in HubSpot';
const NEVER_LISTED = 'never on the audience list (ad_audience is empty): nothing to remove';
const STAYS = 'on the audience list with marketing consent: stays in the audience';
const unmatchable = (platform: string) =>
  `neither a usable e-mail nor a phone number: ${platform} cannot match this person`;
const GOOGLE_UNMATCHABLE = unmatchable('Google');
const META_UNMATCHABLE = unmatchable('Meta');

function country(p: Row): string | undefined {
  const given = text(p.country);
  return ISO.test(given) ? given.toUpperCase() : own(COUNTRIES, given.toLowerCase());
}

/**
 * The first usable number hashed: `phone`, else `mobilephone` when `phone` is no number by the platform's rules
 * (blank, "n/a", too short, national without a country); the mobile is parsed only then, each number hashed once.
 */
const googlePhone = (p: Row, iso: string | undefined): string | undefined =>
  googleHash('phone', p.phone, iso, DEFAULT_COUNTRY) ?? googleHash('phone', p.mobilephone, iso, DEFAULT_COUNTRY);
const metaPhone = (p: Row, iso: string | undefined): string | undefined =>
  metaHash('ph', p.phone, iso, DEFAULT_COUNTRY) ?? metaHash('ph', p.mobilephone, iso, DEFAULT_COUNTRY);

/** The Google member (no consent yet), or undefined when neither e-mail nor phone is usable. */
function googleMember(p: Row): Row | undefined {
  const iso = country(p);
  const email = googleHash('email', p.email, undefined, DEFAULT_COUNTRY);
  const phone = googlePhone(p, iso);
  if (email === undefined && phone === undefined) return undefined;
  const member: Row = {};
  put(member, 'email', email);
  put(member, 'phone', phone);
  // the address goes only whole: names, region and postal code
  const name = hubspotName(p);
  const givenName = googleHash('givenName', name?.given, undefined, DEFAULT_COUNTRY);
  if (givenName === undefined) return member;
  const familyName = googleHash('familyName', name?.family, undefined, DEFAULT_COUNTRY);
  if (familyName === undefined) return member;
  const regionCode = googleNormalize('regionCode', iso, undefined, DEFAULT_COUNTRY);
  if (regionCode === undefined) return member;
  const postalCode = googleNormalize('postalCode', p.zip, undefined, DEFAULT_COUNTRY);
  if (postalCode === undefined) return member;
  member.givenName = givenName;
  member.familyName = familyName;
  member.regionCode = regionCode;
  member.postalCode = postalCode;
  return member;
}

/** The Meta member, or undefined when neither e-mail nor phone is usable. */
function metaMember(p: Row): Row | undefined {
  const iso = country(p);
  const email = metaHash('em', p.email, undefined, DEFAULT_COUNTRY);
  const phone = metaPhone(p, iso);
  if (email === undefined && phone === undefined) return undefined;
  const name = hubspotName(p);
  const member: Row = {};
  put(member, 'email', email);
  put(member, 'phone', phone);
  put(member, 'firstName', metaHash('fn', name?.given, undefined, DEFAULT_COUNTRY));
  put(member, 'lastName', metaHash('ln', name?.family, undefined, DEFAULT_COUNTRY));
  put(member, 'city', metaHash('ct', normalizeCity(p.city), undefined, DEFAULT_COUNTRY));
  put(member, 'zip', metaHash('zp', p.zip, undefined, DEFAULT_COUNTRY));
  put(member, 'country', metaHash('country', iso, undefined, DEFAULT_COUNTRY));
  return member;
}

const GOOGLE_CONSENT = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

function audienceMember(member: (p: Row) => Row | undefined, unmatched: string, google: boolean): Body {
  return (record) => {
    const p = properties(record);
    if (!YES.has(text(p.marketing_consent).toLowerCase())) return skip(NO_CONSENT);
    if (!YES.has(text(p.ad_audience).toLowerCase())) return skip(NOT_LISTED);
    if (record.archived === true) return skip(ARCHIVED);
    const out = member(p);
    if (out === undefined) return skip(unmatched);
    if (google) out.consent = { ...GOOGLE_CONSENT };
    return out;
  };
}

function audienceRemoval(member: (p: Row) => Row | undefined, unmatched: string): Body {
  return (record) => {
    const p = properties(record);
    const audience = text(p.ad_audience).toLowerCase();
    const listed = YES.has(audience);
    if (!listed && !LEFT.has(audience)) return skip(NEVER_LISTED);
    if (listed && record.archived !== true && YES.has(text(p.marketing_consent).toLowerCase())) return skip(STAYS);
    return member(p) ?? skip(unmatched);
  };
}

export const AUDIENCES: Record<string, MakeBody> = {
  'hubspot-contact-to-google-audience-member': () => audienceMember(googleMember, GOOGLE_UNMATCHABLE, true),
  'hubspot-contact-to-google-audience-removal': () => audienceRemoval(googleMember, GOOGLE_UNMATCHABLE),
  'hubspot-contact-to-meta-audience-member': () => audienceMember(metaMember, META_UNMATCHABLE, false),
  'hubspot-contact-to-meta-audience-removal': () => audienceRemoval(metaMember, META_UNMATCHABLE),
};
