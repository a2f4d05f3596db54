import { googleHash, googleNormalize, metaHash, metaNormalize } from '../../../../core/mapping/stdlib';
import { run, runError } from './helpers';

/**
 * Country columns as marketing data spells them: "UK" for the United Kingdom (ISO 3166-1 reserves it
 * "exceptionally"; the ISO code is GB) was accepted by the vendor helpers as a region and then refused by the phone
 * library, so every sent contact, order or lead with "UK" and a nationally written phone failed.
 */
describe('country codes in the identifier helpers and $normalizePhone', () => {
  it('"UK" is read as GB: phone numbers, Meta\'s country and Google\'s region code', async () => {
    await expect(run('$normalizePhone("020 7946 0018", "UK")')).resolves.toBe('+442079460018');
    await expect(run('$normalizePhone("020 7946 0018", " uk ")')).resolves.toBe('+442079460018');
    expect(metaHash('ph', '020 7946 0018', 'UK')).toBe(metaHash('ph', '020 7946 0018', 'GB'));
    expect(metaNormalize('ph', '020 7946 0018', 'UK')).toBe('442079460018');
    expect(metaNormalize('country', 'UK')).toBe('gb');
    expect(googleHash('phone', '020 7946 0018', 'UK')).toBe(googleHash('phone', '020 7946 0018', 'GB'));
    expect(googleNormalize('regionCode', 'uk')).toBe('GB');
    expect(googleNormalize('phone', '020 7946 0018', 'UK')).toBe('+442079460018');
  });

  it('a real region without a numbering plan (AQ) is ignored by the helpers, as an invalid code is', () => {
    // no exception: the national number is read with the engine's default country, or not at all
    expect(metaNormalize('ph', '8 916 123-45-67', 'AQ', 'RU')).toBe('79161234567');
    // with no usable country at all, as with none given: the digits as written
    expect(metaNormalize('ph', '8 916 123-45-67', 'AQ')).toBe(metaNormalize('ph', '8 916 123-45-67'));
    expect(googleNormalize('phone', '8 916 123-45-67', 'AQ', 'RU')).toBe('+79161234567');
    expect(metaNormalize('ph', '+44 20 7946 0018', 'AQ')).toBe('442079460018');
  });

  it('$normalizePhone still refuses a country code it cannot use, naming it', async () => {
    await expect(runError('$normalizePhone("123", "AQ")')).resolves.toMatchObject({
      code: 'stdlib.normalizePhone',
      message: 'unknown country code "AQ" (expected ISO 3166-1 alpha-2)',
    });
  });
});
