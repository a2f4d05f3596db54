import { createHash } from 'node:crypto';
import { mailchimpSubscriberHash } from '../../../../core/mapping/stdlib';
import { run } from './helpers';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/**
 * `$mailchimpSubscriberHash(email)`: the MD5 of the lowercase address. Vector: Mailchimp's documentation example
 * ([doc] mailchimp.com/developer/marketing/docs/methods-parameters/, "subscriber_hash" — the address
 * "urist.mcvankab@freddiesjokes.com" and its hash 62eeb292278cc15f5817cb78f7790b08).
 */
describe('$mailchimpSubscriberHash', () => {
  it('matches Mailchimp’s documented example, whatever the case and surrounding spaces', async () => {
    expect(mailchimpSubscriberHash('urist.mcvankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
    await expect(run('$mailchimpSubscriberHash(e)', { e: '  Urist.McVankab@FreddiesJokes.com ' })).resolves.toBe(
      '62eeb292278cc15f5817cb78f7790b08',
    );
  });

  it.each([
    ['  URIST.McVankab@freddiesjokes.com\n', '62eeb292278cc15f5817cb78f7790b08'],
    ['mailto:<urist.mcvankab@freddiesjokes.com>', '62eeb292278cc15f5817cb78f7790b08'],
    // already a subscriber hash (any case): returned as it is, never hashed twice
    ['62EEB292278CC15F5817CB78F7790B08', '62eeb292278cc15f5817cb78f7790b08'],
    [' 62eeb292278cc15f5817cb78f7790b08 ', '62eeb292278cc15f5817cb78f7790b08'],
    // NFC and NFD spellings of one address are one member
    ['ren\u00e9@example.fr', md5('rené@example.fr')],
    ['rene\u0301@example.fr', md5('rené@example.fr')],
    // not an address: no member has that hash
    ['not an email', undefined],
    ['urist.mcvankab', undefined],
  ])('%j → %j', (input, expected) => {
    expect(mailchimpSubscriberHash(input)).toBe(expected);
  });

  it('empty or missing → undefined', async () => {
    expect(mailchimpSubscriberHash('  ')).toBeUndefined();
    expect(mailchimpSubscriberHash(42)).toBeUndefined();
    await expect(run('{ "h": $mailchimpSubscriberHash(nothing) }')).resolves.toEqual({});
  });
});
