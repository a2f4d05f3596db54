import connector from '../../../connectors/google';
import { startSandbox, type GoogleSandbox } from '../../../connectors/google/sandbox';
import type { ConnectorDefinition } from '../../../core/sdk';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * Issue #16: Google's per-request limits (2,000 events per events:ingest, 10,000 members per audienceMembers:ingest)
 * held one past the limit, through the runner against the sandbox, which answers 400 INVALID_ARGUMENT to a request
 * over a limit (enforceLimits on).
 */

const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' };

describe('Data Manager per-request limits through the runner', () => {
  let h: Harness;
  let sandbox: GoogleSandbox;

  beforeEach(async () => {
    h = await createHarness();
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await h.close();
    await sandbox.close();
  });

  it('2,001 conversions: two events:ingest requests (2,000 + 1), none refused, each conversion once', async () => {
    const shop = await h.connector('shop');
    await h.register('ads', connector as unknown as ConnectorDefinition, sandbox.settings);
    await h.mapping(
      'order-to-conversion',
      '{ "transactionId": id, "eventTimestamp": at, "gclid": gclid, "conversionValue": 1, "currency": "EUR", "consent": consent }',
    );
    await h.flow({
      name: 'orders-to-google',
      source: { connection: 'shop', stream: 'contacts' },
      mapping: { id: 'order-to-conversion' },
      target: { connection: 'ads', action: 'sendConversions' },
    });
    const at = new Date(Date.now() - 3_600_000).toISOString();
    for (let i = 0; i < 2_001; i++) shop.put({ id: `o${i}`, at, gclid: `Cj0o${i}`, consent: granted });
    const run = await h.run('orders-to-google');
    expect(run.status).toBe('succeeded');
    expect(sandbox.server.count({ route: 'POST /v1/events:ingest', status: 200 })).toBe(2);
    expect(sandbox.server.count({ route: 'POST /v1/events:ingest', status: 400 })).toBe(0);
    expect(sandbox.conversionCount()).toBe(2_001);
  });

  it('10,001 members: two audienceMembers:ingest requests (10,000 + 1), none refused, each member once', async () => {
    const crm = await h.connector('crm');
    await h.register('ads', connector as unknown as ConnectorDefinition, sandbox.settings);
    await h.mapping('contact-to-member', '{ "email": email, "consent": consent }');
    await h.flow({
      name: 'contacts-to-list',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'contact-to-member' },
      target: { connection: 'ads', action: 'addAudienceMembers' },
    });
    for (let i = 0; i < 10_001; i++) crm.put({ id: `c${i}`, email: `person${i}@example.com`, consent: granted });
    const run = await h.run('contacts-to-list');
    expect(run.status).toBe('succeeded');
    expect(sandbox.server.count({ route: 'POST /v1/audienceMembers:ingest', status: 200 })).toBe(2);
    expect(sandbox.server.count({ route: 'POST /v1/audienceMembers:ingest', status: 400 })).toBe(0);
    expect(sandbox.memberCount()).toBe(10_001);
  });
});
