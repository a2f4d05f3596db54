import { normalizePhone } from '../../../../core/mapping/stdlib/phone';
import { run, runError } from './helpers';

describe('$normalizePhone', () => {
  it.each([
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    ['+7 916 123 45 67', undefined, '+79161234567'],
    ['79161234567', undefined, '+79161234567'],
    ['9161234567', 'RU', '+79161234567'],
    ['(650) 555-1212', 'US', '+16505551212'],
    ['020 7946 0018', 'GB', '+442079460018'],
  ])('%j with %j → %j', (input, country, expected) => {
    expect(normalizePhone(input, country)).toBe(expected);
  });

  it('accepts a number (CSV cell parsed as a number)', () => {
    expect(normalizePhone(79161234567, undefined)).toBe('+79161234567');
  });

  it.each(['', '   ', '123', 'not a phone', '+7 000 000 00 00'])('rejects %j', (input) => {
    expect(normalizePhone(input, 'RU')).toBeUndefined();
  });

  it('uses the engine-wide default country for national numbers', async () => {
    await expect(run('$normalizePhone(p)', { p: '8 916 123-45-67' }, { defaultCountry: 'RU' })).resolves.toBe(
      '+79161234567',
    );
    await expect(run('{ "x": $normalizePhone(p) }', { p: '8 916 123-45-67' })).resolves.toEqual({});
    await expect(run('$normalizePhone(p, "GB")', { p: '020 7946 0018' }, { defaultCountry: 'RU' })).resolves.toBe(
      '+442079460018',
    );
  });

  it('fails the evaluation for an unknown country code', async () => {
    await expect(runError('$normalizePhone("123", "ZZ")')).resolves.toMatchObject({
      code: 'stdlib.normalizePhone',
      line: 1,
    });
  });
});
