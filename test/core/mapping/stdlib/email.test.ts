import { normalizeEmail } from '../../../../core/mapping/stdlib/email';
import { run } from './helpers';

describe('$normalizeEmail', () => {
  it.each([
    ['  John.Smith@Example.COM ', 'john.smith@example.com'],
    ['mailto:Info@Site.ru', 'info@site.ru'],
    ['MAILTO:Info@Site.ru', 'info@site.ru'],
    ['<MailTo: Info@Site.ru>', 'info@site.ru'],
    ['mailto:<info@site.ru>', 'info@site.ru'],
    ['Jose\u0301@example.com', 'jos\u00e9@example.com'], // NFD (e + combining acute) becomes NFC (é)
    ['jos\u00e9@example.com', 'jos\u00e9@example.com'],
    ['<a.b+tag@sub.example.org>', 'a.b+tag@sub.example.org'],
    ['ПОЧТА@Пример.РФ', 'почта@пример.рф'],
  ])('normalises %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'no-at-sign',
    'a@b',
    'a@@b.com',
    'a b@c.com',
    '.a@b.com',
    'a..b@c.com',
    '@example.com',
    'a@-b.com',
    'a@b.c',
  ])('rejects %j', (input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });

  it('returns undefined for non-strings', () => {
    expect(normalizeEmail(undefined)).toBeUndefined();
    expect(normalizeEmail(null)).toBeUndefined();
    expect(normalizeEmail(42)).toBeUndefined();
  });

  it('is registered for JSONata, with the context form and null input', async () => {
    await expect(
      run('{ "a": $normalizeEmail(e), "b": e.$normalizeEmail(), "c": $normalizeEmail(n) }', { e: ' X@Y.ru ', n: null }),
    ).resolves.toEqual({
      a: 'x@y.ru',
      b: 'x@y.ru',
    });
  });
});
