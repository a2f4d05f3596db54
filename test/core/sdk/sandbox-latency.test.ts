import { startSandbox, SANDBOX_API_KEY, type MailchimpSandbox } from '../../../connectors/mailchimp/sandbox';
import { latencyFor } from '../../../core/sdk';

/**
 * Sandboxes that push back like the vendor: answers take time (a fixed part, a part per record, a spread), so a
 * vendor's limit on simultaneous connections bites as it does live. At zero latency, requests never overlap.
 */

describe('latencyFor', () => {
  it('adds a fixed part, a part per record and a spread drawn from `random`', () => {
    expect(latencyFor(undefined)).toBe(0);
    expect(latencyFor(25)).toBe(25);
    const model = { baseMs: 100, perRecordMs: 0.4, jitterMs: 50 };
    expect(latencyFor(model, 500, () => 0)).toBe(300);
    expect(latencyFor(model, 500, () => 0.5)).toBe(325);
    expect(latencyFor(model, 1, () => 0)).toBeCloseTo(100.4);
  });
});

describe('the Mailchimp sandbox with latency', () => {
  let s: MailchimpSandbox;
  afterEach(async () => {
    await s.close();
  });

  it('answers 429 beyond 10 simultaneous connections while answers take their time', async () => {
    s = await startSandbox({ latency: { baseMs: 1500, perRecordMs: 1 } });
    const auth = `Basic ${Buffer.from(`any:${SANDBOX_API_KEY}`).toString('base64')}`;
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${s.settings.baseUrl}/lists/${s.listId}`, { headers: { authorization: auth } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    expect(s.peakConcurrency).toBe(10);
  });
});
