import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { normalizePhone } from '../../../../core/mapping/stdlib/phone';
import { compiledPlans, isValidPhone } from '../../../../core/mapping/stdlib/phone-validity';
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

describe('phone validity with compiled patterns (phone-validity.ts)', () => {
  it("answers as libphonenumber's isValid() on every country's example and on numbers around it", () => {
    const countries = getCountries();
    let compared = 0;
    let valid = 0;
    const differing: string[] = [];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
    for (const country of countries) {
      const example = getExampleNumber(country, examples)?.nationalNumber ?? '';
      const candidates = new Set<string>([example, example.slice(0, -1), `${example}5`]);
      for (let d = 0; d <= 9; d++) candidates.add(`${example.slice(0, -1)}${d}`);
      for (let d = 0; d <= 9; d++) candidates.add(`${d}${example.slice(1)}`);
      for (let i = 0; i < 40; i++) {
        const length = 4 + Math.floor(random() * 10);
        let digits = '';
        for (let j = 0; j < length; j++) digits += String(Math.floor(random() * 10));
        candidates.add(digits);
      }
      for (const national of candidates) {
        if (national === '') continue;
        for (const parsed of [
          parsePhoneNumberFromString(national, country),
          parsePhoneNumberFromString(`+${getCountryCallingCode(country)}${national}`),
        ]) {
          if (parsed === undefined) continue;
          compared++;
          const expected = parsed.isValid();
          if (expected) valid++;
          if (isValidPhone(parsed) !== expected) differing.push(`${parsed.number} (${country}): library ${expected}`);
        }
      }
    }
    expect(differing).toEqual([]);
    // answered from the compiled patterns, not by falling back to the library's check
    expect(compiledPlans()).toBeGreaterThan(240);
    // the comparison covers every country with valid and invalid numbers alike
    expect(countries.length).toBeGreaterThan(240);
    expect(valid).toBeGreaterThan(countries.length);
    expect(compared - valid).toBeGreaterThan(countries.length);
  });

  it('answers as isValid() for the calling codes of no one country (+800, +882…)', () => {
    const plans = compiledPlans();
    const differing: string[] = [];
    let valid = 0;
    // every prefix of 1–4 digits (0000…9999, shorter ones padded) after each code, with 6–10 digits in all
    for (const code of ['800', '808', '870', '878', '881', '882', '883', '888', '979']) {
      for (let n = 0; n < 2_000; n++) {
        const national = String((n * 7_919) % 10_000).padStart(4, '0') + '123456'.slice(0, 2 + (n % 5));
        const parsed = parsePhoneNumberFromString(`+${code}${national}`);
        if (parsed === undefined) continue;
        const expected = parsed.isValid();
        if (expected) valid++;
        if (isValidPhone(parsed) !== expected) differing.push(`${parsed.number}: library ${expected}`);
      }
    }
    expect(differing).toEqual([]);
    expect(valid).toBeGreaterThan(50);
    // their plans are compiled too (by calling code)
    expect(compiledPlans()).toBeGreaterThan(plans);
  });
});
