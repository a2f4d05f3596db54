import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * The hub's rules for strings people type, in one place: the API's schemas use them (ajv validates them, with
 * its default `u` flag), the services check the same patterns for callers that do not go through the API (the
 * CLI), and the validators' error descriptions say them in words (`patternMessage`).
 *
 * A name (connection, token, anything a person names and others see in lists) refuses control characters (NUL
 * included: PostgreSQL cannot store it in text), the bidirectional overrides and isolates that make a name display
 * as something else (U+202A–U+202E, U+2066–U+2069), and lone surrogates (not text; invalid UTF-8 when stored).
 */

/** Character class body of what no name or reference may hold (matched with the `u` flag). */
const FORBIDDEN = '\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';

/** A name: at least one character, no forbidden character, no space at either end. */
export const NAME_PATTERN = `^[^\\s${FORBIDDEN}](?:[^${FORBIDDEN}]*[^\\s${FORBIDDEN}])?$`;
/** A reference (an id or a name in a path or a query): no forbidden character. */
export const REFERENCE_PATTERN = `^[^${FORBIDDEN}]+$`;

const FORBIDDEN_IN_WORDS =
  'control characters (NUL, line breaks, tabs), bidirectional overrides (U+202A–U+202E, U+2066–U+2069) or lone surrogates';

export const NAME_RULE = `must not start or end with a space, nor contain ${FORBIDDEN_IN_WORDS}`;
export const REFERENCE_RULE = `must not contain ${FORBIDDEN_IN_WORDS}`;

const MESSAGES: Record<string, string> = { [NAME_PATTERN]: NAME_RULE, [REFERENCE_PATTERN]: REFERENCE_RULE };

/** The rule of a pattern defined here, in words, for validation messages; undefined for other patterns. */
export function patternMessage(pattern: unknown): string | undefined {
  return typeof pattern === 'string' ? MESSAGES[pattern] : undefined;
}

/** A name people give something: 1–100 characters by default, see NAME_PATTERN. */
export function Name(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 100, ...options, pattern: NAME_PATTERN });
}

/** An id or a name in a path or a query. */
export function Reference(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 200, ...options, pattern: REFERENCE_PATTERN });
}

const name = new RegExp(NAME_PATTERN, 'u');

/** Why `value` is not a valid name (NAME_RULE), or undefined when it is one. For callers outside the API. */
export function nameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 100) return 'must be at most 100 characters';
  return name.test(value) ? undefined : NAME_RULE;
}

// ---- settings ----------------------------------------------------------------------------------------------

/** The longest string a connection setting may hold, in UTF-8 bytes. */
export const MAX_SETTINGS_STRING_BYTES = 64 * 1024;

/** `settings.a.b` for every string in a settings document longer than MAX_SETTINGS_STRING_BYTES, with the rule. */
export function settingsStringProblems(settings: unknown, prefix = 'settings'): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const visit = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      // a string longer in UTF-16 units than the limit can only be longer in bytes too; skip measuring it
      const bytes = value.length > MAX_SETTINGS_STRING_BYTES ? value.length : Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_SETTINGS_STRING_BYTES)
        problems.push({
          field: at,
          message: `is longer than ${MAX_SETTINGS_STRING_BYTES} bytes (64 KiB), the most a settings string may hold`,
        });
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${at}.${i}`));
    else if (typeof value === 'object' && value !== null)
      for (const [key, item] of Object.entries(value)) visit(item, `${at}.${key}`);
  };
  visit(settings, prefix);
  return problems;
}

// ---- every request -----------------------------------------------------------------------------------------

/**
 * Fields (JSON pointers below `base`) of every string in a request part that holds a NUL character. No store
 * keeps one (PostgreSQL refuses it in text and jsonb), so a NUL anywhere (a free-text field, a record in a mapping
 * fixture, a query filter) is a 400 naming the field rather than a failed query. At most `max` are listed.
 */
export function nulFields(value: unknown, base: string, max = 10): { field: string; message: string }[] {
  const found: { field: string; message: string }[] = [];
  const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const visit = (item: unknown, at: string): void => {
    if (found.length >= max) return;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) found.push({ field: at, message: 'must not contain the NUL character (U+0000)' });
    } else if (Array.isArray(item)) item.forEach((child, i) => visit(child, `${at}/${i}`));
    else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000'))
          found.push({ field: `${at}/${escape(key)}`, message: 'must not contain the NUL character (U+0000)' });
        visit(child, `${at}/${escape(key)}`);
      }
    }
  };
  visit(value, base);
  return found;
}
