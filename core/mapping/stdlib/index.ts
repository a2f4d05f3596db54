import type jsonata from 'jsonata';
import { createNormalizeCity, type CitySynonyms } from './city';
import { formatDate } from './date';
import { normalizeEmail } from './email';
import { googleHash, googleNormalize } from './google';
import { md5, sha256 } from './hash';
import { mailchimpSubscriberHash } from './mailchimp';
import { metaHash, metaNormalize } from './meta';
import { splitFullName } from './names';
import { assertCountry, normalizePhone } from './phone';
import { skip } from './skip';

/** Options the standard library needs from the engine. */
export interface StdlibOptions {
  defaultCountry?: string;
  citySynonyms?: CitySynonyms;
}

export interface StdlibFunction {
  name: string;
  /** JSONata signature: `-` lets the function take the context value as its first argument. */
  signature: string;
  implementation: (...args: unknown[]) => unknown;
}

/** The functions registered for every mapping, bound to the engine options. */
export function createStdlib(options: StdlibOptions = {}): StdlibFunction[] {
  if (options.defaultCountry) assertCountry(options.defaultCountry);
  const normalizeCity = createNormalizeCity(options.citySynonyms);
  return [
    { name: 'normalizeEmail', signature: '<(sl)-:s>', implementation: (s) => normalizeEmail(s) },
    {
      name: 'normalizePhone',
      signature: '<(snl)-s?:s>',
      implementation: (s, country) => normalizePhone(s, country, options.defaultCountry),
    },
    { name: 'normalizeCity', signature: '<(sl)-:s>', implementation: (s) => normalizeCity(s) },
    { name: 'splitFullName', signature: '<(sl)-:o>', implementation: (s) => splitFullName(s) },
    { name: 'sha256', signature: '<(snbl)-:s>', implementation: (s) => sha256(s) },
    { name: 'md5', signature: '<(snbl)-:s>', implementation: (s) => md5(s) },
    // vendor identifiers: $metaHash("em", email), $googleHash("phone", phone, "RU"), $mailchimpSubscriberHash(email)
    {
      name: 'metaHash',
      signature: '<s(snl)?(sl)?:s>',
      implementation: (key, value, country) => metaHash(key, value, country, options.defaultCountry),
    },
    {
      name: 'metaNormalize',
      signature: '<s(snl)?(sl)?:s>',
      implementation: (key, value, country) => metaNormalize(key, value, country, options.defaultCountry),
    },
    {
      name: 'googleHash',
      signature: '<s(snl)?(sl)?:s>',
      implementation: (key, value, country) => googleHash(key, value, country, options.defaultCountry),
    },
    {
      name: 'googleNormalize',
      signature: '<s(snl)?(sl)?:s>',
      implementation: (key, value, country) => googleNormalize(key, value, country, options.defaultCountry),
    },
    {
      name: 'mailchimpSubscriberHash',
      signature: '<(sl)-:s>',
      implementation: (s) => mailchimpSubscriberHash(s),
    },
    {
      name: 'formatDate',
      signature: '<(snl)-s?s?s?:(sn)>',
      implementation: (value, pattern, tz, inputTz) => formatDate(value, pattern, tz, inputTz),
    },
    { name: 'skip', signature: '<s?:o>', implementation: (reason) => skip(reason) },
  ];
}

export function registerStdlib(expression: jsonata.Expression, functions: readonly StdlibFunction[]): void {
  for (const fn of functions) {
    expression.registerFunction(fn.name, fn.implementation, fn.signature);
  }
}

export { normalizeEmail, normalizePhone, splitFullName, sha256, md5, formatDate, createNormalizeCity };
export { metaHash, metaNormalize, META_KEYS, type MetaKey } from './meta';
export { googleHash, googleNormalize, GOOGLE_KEYS, GOOGLE_HASHED_KEYS, type GoogleKey } from './google';
export { mailchimpSubscriberHash } from './mailchimp';
export { isSkipMarker, skip, SKIP_KEY } from './skip';
export type { SkipMarker } from './skip';
export type { CitySynonyms };
export type { SplitName } from './names';
