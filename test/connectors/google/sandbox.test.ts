import { sendConversions } from '../../../connectors/google/actions/sendConversions';
import { addAudienceMembers } from '../../../connectors/google/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/google/actions/removeAudienceMembers';
import { startSandbox, type GoogleSandbox } from '../../../connectors/google/sandbox';
import { campaignMetrics } from '../../../connectors/google/streams/campaignMetrics';
import { RateLimitedError } from '../../../core/sdk';
import { connection, readAll, warnings } from './helpers';

// The sandbox itself, spoken to over HTTP as Google is: its limits, its error shapes and its counts.
describe('google sandbox', () => {
  let sandbox: GoogleSandbox;
  const at = () => new Date(Date.now() - 60_000).toISOString();
  const dm = (path: string, body: unknown, token = 'sandbox-access-0') =>
    fetch(`${sandbox.url}/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const destination = (id: string) => ({
    operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
    productDestinationId: id,
  });

  beforeEach(async () => {
    sandbox = await startSandbox({ seedDays: 10, seed: 3 });
  });
  afterEach(() => sandbox.close());

  it('enforces the per-request limits with a 400 INVALID_ARGUMENT naming the field', async () => {
    const events = Array.from({ length: 2001 }, (_, i) => ({
      transactionId: `t${i}`,
      eventTimestamp: at(),
      adIdentifiers: { gclid: 'g' },
    }));
    const tooMany = await dm('events:ingest', { destinations: [destination('1')], events });
    expect(tooMany.status).toBe(400);
    const body = (await tooMany.json()) as {
      error: { status: string; details: { fieldViolations?: { field: string }[] }[] };
    };
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.details[0]!.fieldViolations).toEqual([
      { field: 'events', description: expect.stringContaining('2000') },
    ]);
    const members = Array.from({ length: 10_001 }, () => ({
      userData: { userIdentifiers: [{ emailAddress: 'a'.repeat(64) }] },
    }));
    const tooManyMembers = await dm('audienceMembers:ingest', {
      destinations: [destination('2')],
      audienceMembers: members,
      encoding: 'HEX',
      termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
    });
    expect(tooManyMembers.status).toBe(400);
    const unhashed = await dm('audienceMembers:remove', {
      destinations: [destination('2')],
      audienceMembers: [{ userData: { userIdentifiers: [{ emailAddress: 'raw@example.com' }] } }],
      encoding: 'HEX',
    });
    expect(
      ((await unhashed.json()) as { error: { details: { fieldViolations?: { field: string }[] }[] } }).error.details[0]!
        .fieldViolations![0]!.field,
    ).toBe('audience_members[0].user_data.user_identifiers[0].email_address');
  });

  it('answers 429 RESOURCE_EXHAUSTED past 300 requests a minute, with the documented error shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 301; i++)
      statuses.push(
        (
          await fetch(`${sandbox.url}/v1/requestStatus:retrieve?requestId=x`, {
            headers: { authorization: 'Bearer sandbox-access-0' },
          })
        ).status,
      );
    expect(statuses.slice(0, 300).every((s) => s === 404)).toBe(true);
    expect(statuses[300]).toBe(429);
    const limited = await dm('events:ingest', {});
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { code: number; status: string; details: { '@type': string }[] } };
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details.map((d) => d['@type'])).toEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
      'type.googleapis.com/google.rpc.RetryInfo',
    ]);
    const error = await sendConversions
      .write({
        connection: connection(sandbox.settings),
        records: [{ transactionId: 'q', eventTimestamp: at(), gclid: 'g' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
  });

  it('counts distinct conversions: a repeat is an adjustment; processing errors are counts in requestStatus', async () => {
    const conn = connection({ ...sandbox.settings, diagnosticsPolls: 0 });
    const records = [
      { transactionId: 'A1', eventTimestamp: at(), gclid: 'Cj0a', conversionValue: 10, currency: 'EUR' },
      { transactionId: 'A2', eventTimestamp: at(), gclid: 'bad-click', conversionValue: 10, currency: 'EUR' },
      { transactionId: 'A3', eventTimestamp: new Date(Date.now() - 100 * 86_400_000).toISOString(), gclid: 'Cj0c' },
    ];
    const first = await sendConversions.write({ connection: conn, records });
    // the 100-day-old conversion is judged here (Google would only count it, naming no row): it alone fails
    expect(first.map((o) => o.status)).toEqual(['ok', 'ok', 'failed']);
    expect(first[2]).toMatchObject({ failure: 'permanent', field: 'eventTimestamp' });
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/INVALID_GCLID × 1\)/)]);
    await sendConversions.write({ connection: conn, records: [records[0]!] });
    expect(sandbox.conversionCount()).toBe(1);
    expect(sandbox.store.conversions.get('555000111:A1')).toMatchObject({ sends: 2, restatements: 0 });
    warnings.length = 0;
  });

  it('counts distinct audience members, and removes them by any of their identifiers', async () => {
    const conn = connection(sandbox.settings);
    const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;
    await addAudienceMembers.write({
      connection: conn,
      records: [{ email: 'A@example.com', phone: '+4930123456', consent: granted }],
    });
    await addAudienceMembers.write({ connection: conn, records: [{ email: ' a@EXAMPLE.com', consent: granted }] });
    expect(sandbox.memberCount()).toBe(1);
    await removeAudienceMembers.write({ connection: conn, records: [{ phone: '+49 30 123456' }] });
    expect(sandbox.memberCount('a@example.com')).toBe(0);
  });

  it('refresh tokens are good once (invalid_grant on reuse); a stale access token answers 401 UNAUTHENTICATED', async () => {
    const refresh = (token: string) =>
      fetch(`${sandbox.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: sandbox.settings.clientId,
          client_secret: sandbox.settings.clientSecret,
        }).toString(),
      });
    const ok = await refresh('sandbox-refresh-0');
    expect(await ok.json()).toMatchObject({
      access_token: 'sandbox-access-1',
      refresh_token: 'sandbox-refresh-1',
      expires_in: 3599,
    });
    const reused = await refresh('sandbox-refresh-0');
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    sandbox.expireAccessTokens();
    const stale = await dm('events:ingest', {}, 'sandbox-access-1');
    expect(stale.status).toBe(401);
  });

  it('serves campaign metrics through searchStream, and refuses a sunset API version with 404', async () => {
    const { records } = await readAll(campaignMetrics, connection(sandbox.settings));
    expect(records).toHaveLength(30);
    const old = await fetch(`${sandbox.url}/v19/customers/1234567890/googleAds:searchStream`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-access-0', 'developer-token': sandbox.settings.developerToken! },
      body: JSON.stringify({ query: 'SELECT customer.id FROM customer' }),
    });
    expect(old.status).toBe(404);
  });
});
