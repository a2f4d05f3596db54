import { createHash } from 'node:crypto';
import { md5, sha256 } from '../../../../core/mapping/stdlib/hash';
import { run, runError } from './helpers';

describe('$sha256 / $md5', () => {
  it('matches published test vectors', () => {
    // FIPS 180-2 / RFC 1321 "abc" vectors.
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(md5('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    // Meta's documented country vector ("us") and Mailchimp's subscriber_hash example.
    expect(sha256('us')).toBe('79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621');
    expect(md5('urist.mcvankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
    expect(sha256('test@example.com')).toBe('973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b');
  });

  it('agrees with node:crypto over UTF-8 for Cyrillic', () => {
    const value = 'иван@пример.рф';
    expect(sha256(value)).toBe(createHash('sha256').update(Buffer.from(value, 'utf8')).digest('hex'));
    expect(md5(value)).toBe(createHash('md5').update(Buffer.from(value, 'utf8')).digest('hex'));
  });

  it('hashes the NFC form, so composed and decomposed é hash alike', () => {
    const composed = 'val\u00e9ry';
    const decomposed = 'vale\u0301ry';
    expect(composed).not.toBe(decomposed);
    expect(sha256(decomposed)).toBe(sha256(composed));
    expect(sha256(composed)).toBe(createHash('sha256').update(Buffer.from(composed, 'utf8')).digest('hex'));
  });

  it('is registered for JSONata; undefined stays undefined; objects are rejected', async () => {
    await expect(
      run('{ "h": $sha256($lowercase($trim(e))), "m": $md5(missing) }', { e: ' Test@Example.com ' }),
    ).resolves.toEqual({
      h: '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
    });
    await expect(runError('$sha256(o)', { o: { a: 1 } })).resolves.toMatchObject({ jsonataCode: 'T0410' });
  });
});
