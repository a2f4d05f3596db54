import { runConnectorConformance } from '../../../core/sdk/testing';
import type { ConnectorDefinition, StreamDefinition } from '../../../core/sdk';
import meta from '../../../connectors/meta';

/**
 * SDK 1.2 `WebhookDefinition.fetch`: a webhook whose events name their records (the runner reads each by id through
 * the stream's `refetch`) must name a stream that has `refetch`. The conformance rule runs only for webhooks that
 * declare it, so connectors without one see no new rule.
 */

function connector(options: { fetch?: boolean; refetch?: boolean; stream?: string }): ConnectorDefinition {
  const stream: StreamDefinition = {
    name: 'contacts',
    recordSchema: { type: 'object', properties: { id: { type: 'string' } } },
    identity: ['id'],
    async *read() {
      yield { records: [], checkpoint: null };
    },
    ...(options.refetch ? { refetch: async () => [] } : {}),
  };
  return {
    id: 'acme',
    displayName: 'Acme',
    version: '1.0.0',
    category: 'crm',
    settingsSchema: { type: 'object' },
    policy: { rateBudget: { requests: 10, intervalMs: 1000 }, concurrency: 1, retryStatuses: [], retryAfter: [] },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [stream],
    actions: [],
    webhooks: [
      {
        name: 'changes',
        ...(options.stream === undefined ? {} : { stream: options.stream }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        verify: () => true,
        parse: () => [],
      },
    ],
  };
}

const rule = async (definition: ConnectorDefinition) =>
  (await runConnectorConformance(definition)).results.find((r) => r.id === 'webhook.fetch-readable');

describe('conformance: webhook.fetch-readable', () => {
  it('passes for a fetch webhook over a stream with refetch, fails naming what is missing otherwise', async () => {
    expect(await rule(connector({ fetch: true, stream: 'contacts', refetch: true }))).toMatchObject({ status: 'pass' });
    expect(await rule(connector({ fetch: true, stream: 'contacts' }))).toMatchObject({
      status: 'fail',
      seen: 'stream "contacts" has no refetch',
    });
    expect(await rule(connector({ fetch: true, refetch: true }))).toMatchObject({
      status: 'fail',
      seen: 'the webhook names no stream',
    });
  });

  it('is not run for webhooks that do not declare fetch', async () => {
    expect(await rule(connector({ stream: 'contacts' }))).toBeUndefined();
    expect(await rule(connector({ fetch: false, stream: 'contacts' }))).toBeUndefined();
  });

  it("passes for Meta's leadgen webhook", async () => {
    expect(await rule(meta)).toMatchObject({ status: 'pass', subject: 'leadgen' });
  });
});
