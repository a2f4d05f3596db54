import type { ConnectorDefinition, WebhookDefinition, WebhookRequest } from '../define';
import { connectionFor, fail, noHook, pass, text, type ConformanceOptions, type ConformanceRule } from './options';

/** Rules on each declared webhook: a signed delivery is accepted; an altered, unsigned or stale one rejected. */

const CONTENT_HEADERS = new Set(['content-type', 'content-length', 'user-agent', 'host']);

async function verifies<S>(
  webhook: WebhookDefinition<S>,
  request: WebhookRequest,
  options: ConformanceOptions<S>,
): Promise<boolean | string> {
  try {
    return await webhook.verify(request, await connectionFor(options.settings));
  } catch (error) {
    return `verify threw ${text(error)}`;
  }
}

/** The same delivery with one byte of the body changed. */
function alterBody(request: WebhookRequest): WebhookRequest {
  const body = Buffer.from(request.rawBody);
  const at = Math.floor(body.length / 2);
  if (body.length === 0) return { ...request, rawBody: Buffer.from('{}') };
  body[at] = body[at] === 0x31 ? 0x32 : 0x31; // '1' ↔ '2' keeps JSON bodies mostly parseable
  return { ...request, rawBody: body };
}

/** The same delivery with every signature-bearing header and query parameter removed. */
function unsign(request: WebhookRequest): WebhookRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => CONTENT_HEADERS.has(k)));
  return { ...request, headers, query: {}, url: request.url.split('?')[0] ?? request.url };
}

function signedRule<S>(webhook: WebhookDefinition<S>, options: ConformanceOptions<S>): ConformanceRule {
  const { signedWebhook } = options;
  return {
    id: 'webhook.signed-accepted',
    subject: webhook.name,
    title: 'a correctly signed delivery is accepted',
    skip: signedWebhook ? undefined : noHook('signedWebhook'),
    run: async () => {
      const result = await verifies(webhook, await signedWebhook!(webhook.name, new Date()), options);
      return result === true ? pass : fail('verify() → true', String(result));
    },
  };
}

function alteredRule<S>(webhook: WebhookDefinition<S>, options: ConformanceOptions<S>): ConformanceRule {
  const { signedWebhook, webhookMaxAgeMs } = options;
  return {
    id: 'webhook.altered-rejected',
    subject: webhook.name,
    title: 'an altered, unsigned or stale delivery is rejected',
    skip: signedWebhook ? undefined : noHook('signedWebhook'),
    run: async () => {
      const good = await signedWebhook!(webhook.name, new Date());
      const probes: Array<[string, WebhookRequest]> = [['unsigned', unsign(good)]];
      if (options.webhookSignsBody !== false) probes.push(['altered body', alterBody(good)]);
      if (webhookMaxAgeMs !== undefined)
        probes.push(['stale', await signedWebhook!(webhook.name, new Date(Date.now() - 2 * webhookMaxAgeMs))]);
      const accepted: string[] = [];
      for (const [name, request] of probes)
        if ((await verifies(webhook, request, options)) === true) accepted.push(name);
      return accepted.length === 0
        ? pass
        : fail(`verify() → false for ${probes.map(([n]) => n).join(', ')}`, `accepted: ${accepted.join(', ')}`);
    },
  };
}

/**
 * A webhook declared `fetch` (SDK 1.2: its events name records the runner reads by id) names a stream that can read
 * a record by id (`refetch`); only webhooks that declare it get this rule.
 */
function fetchRule<S>(definition: ConnectorDefinition<S>, webhook: WebhookDefinition<S>): ConformanceRule {
  return {
    id: 'webhook.fetch-readable',
    subject: webhook.name,
    title: 'a webhook whose events name their records names a stream that reads a record by id (refetch)',
    run: async () => {
      const expected = 'stream with refetch';
      if (webhook.stream === undefined) return fail(expected, 'the webhook names no stream');
      const stream = definition.streams.find((s) => s.name === webhook.stream);
      if (stream === undefined) return fail(expected, `no stream "${webhook.stream}"`);
      return typeof stream.refetch === 'function' ? pass : fail(expected, `stream "${stream.name}" has no refetch`);
    },
  };
}

export function webhookRules<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule[] {
  const webhooks = definition.webhooks ?? [];
  if (webhooks.length === 0) {
    const none = 'not applicable (the connector declares no webhooks)';
    return ['webhook.signed-accepted', 'webhook.altered-rejected'].map((id) => ({
      id,
      title: 'webhook signatures',
      skip: none,
      run: async () => ({ status: 'skip', seen: none }),
    }));
  }
  return webhooks.flatMap((webhook) => [
    signedRule(webhook, options),
    alteredRule(webhook, options),
    ...(webhook.fetch === true ? [fetchRule(definition, webhook)] : []),
  ]);
}
