import { mailchimpSubscriberHash } from '../../../../core/mapping/stdlib';
import { run } from './helpers';

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

  it('empty or missing → undefined', async () => {
    expect(mailchimpSubscriberHash('  ')).toBeUndefined();
    await expect(run('{ "h": $mailchimpSubscriberHash(nothing) }')).resolves.toEqual({});
  });
});
