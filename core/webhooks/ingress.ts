import { createHash } from 'node:crypto';
import type { Registry } from '../registry';
import type {
  ConnectionContext,
  ConnectorLogger,
  WebhookDefinition,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from '../sdk/define';
import type { ConnectionsRepo } from '../store/repos/connections';
import type { NewWebhookRejection, WebhookEventsRepo } from '../store/repos/webhook-events';
import { AcceptedLanes, type OnAccepted } from './accepted-lanes';
import { SlidingWindowRateLimiter, type RateLimitOptions } from './rate-limit';

/** Longest vendor event id kept as it is; a longer one is replaced by a stable hash of it (see `eventKey`). */
export const MAX_EVENT_ID_LENGTH = 512;
/** Connections remembered at most by the lookup cache. */
const CACHE_LIMIT = 1000;

interface Target {
  definition: WebhookDefinition;
  context: ConnectionContext;
}

export interface WebhookIngressDeps {
  /** Reads the connection with its settings decrypted (`get(id, { decrypt: true })`). */
  connections: Pick<ConnectionsRepo, 'get'>;
  registry: Pick<Registry, 'has' | 'get'>;
  /** Where events are recorded: the repository, or a RecordBatcher over it (group commit). */
  events: Pick<WebhookEventsRepo, 'recordMany'>;
  /**
   * Told, after the events are durably recorded and before the answer, which vendor event ids were new. The
   * runner enqueues a webhook-triggered run from it. A failure here is logged; the events stay pending. Calls for
   * one connection never overlap: deliveries accepted while a call runs are told together in the next call (see
   * AcceptedLanes), and each is answered once the call that carried its ids returned.
   */
  onAccepted?: OnAccepted;
  logger: ConnectorLogger;
  /**
   * How long a looked-up connection (decrypted settings, webhook definition) is reused, in ms; default 1000, 0
   * turns it off. Bounds how long an edited secret or a deleted connection takes to be seen.
   */
  connectionCacheMs?: number;
  /**
   * Per-connection request rate; default 100 requests per second. `false` turns it off. Two buckets of this size
   * per connection: one counts deliveries whose signature checked out, the other everything else (bad or missing
   * signatures, handshakes), so unsigned junk cannot starve genuine deliveries.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Where signed deliveries the hub refuses (a body that does not parse) are recorded for the user to see
   * (`GET /api/v1/connections/{id}/webhook-rejections`). A failure here is logged; the answer stays 400.
   */
  rejections?: Pick<WebhookEventsRepo, 'recordRejection'>;
  clock?: () => number;
}

export interface IngressRequest extends WebhookRequest {
  connectionId: string;
  /** Name of the connector's webhook definition; the connector's first one when absent. */
  webhook?: string;
}

export interface Problem {
  title: string;
  detail?: string;
}

/** What to answer: a problem document, a JSON body, or a connector's own (handshake) response. */
export type IngressResponse =
  | { kind: 'problem'; status: number; problem: Problem; headers?: Record<string, string> }
  | { kind: 'json'; status: number; body: { accepted: number; duplicates: number } }
  | { kind: 'raw'; response: WebhookResponse };

function problem(status: number, title: string, detail?: string, headers?: Record<string, string>): IngressResponse {
  return { kind: 'problem', status, problem: detail === undefined ? { title } : { title, detail }, headers };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function validEvents(events: unknown): events is WebhookEvent[] {
  return (
    Array.isArray(events) &&
    events.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as WebhookEvent).id === 'string' &&
        (e as WebhookEvent).id.length > 0 &&
        typeof (e as WebhookEvent).type === 'string',
    )
  );
}

/**
 * The key an event is de-duplicated by: its id, or for an id longer than MAX_EVENT_ID_LENGTH a stable
 * `sha256:<hex>` of it (the same id always gives the same key, so a redelivery is still recognised).
 */
export function eventKey(id: string): string {
  return id.length <= MAX_EVENT_ID_LENGTH ? id : `sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** Media types whose bodies must parse as JSON; form posts (Mailchimp) and empty bodies are the connector's. */
function declaredJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
}

/** Why a body declared as JSON is refused, or undefined when it parses. Never quotes the body. */
function jsonProblem(request: WebhookRequest): string | undefined {
  const contentType = request.headers['content-type'];
  if (!declaredJson(contentType)) return undefined;
  const text = request.rawBody.toString('utf8');
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const at = /position (\d+)/.exec(message(error))?.[1];
    const where = at === undefined ? '' : ` at byte ${at}`;
    const empty = text.trim() === '' ? ' (the body is empty)' : '';
    return `the body is sent as ${contentType?.split(';')[0].trim()} but is not valid JSON${where}${empty}`;
  }
}

/**
 * The webhook ingress, independent of HTTP framework: connection → verify → rate limit (a bucket for signed
 * deliveries, another for the rest) → parse → record (de-duplicated, durable) → onAccepted → 2xx. A request that
 * fails verification records nothing and tells nobody; it is answered 401 without saying why. A signed body that
 * does not parse is answered 400 with the reason and recorded as a rejected delivery.
 */
export class WebhookIngress {
  /** Deliveries whose signature checked out, per connection. */
  private readonly signed?: SlidingWindowRateLimiter;
  /** Everything else (bad or missing signatures, handshakes), per connection. */
  private readonly unsigned?: SlidingWindowRateLimiter;
  private readonly clock: () => number;
  private readonly cache = new Map<string, { at: number; target: Target | undefined }>();
  private readonly accepted?: AcceptedLanes;

  constructor(private readonly deps: WebhookIngressDeps) {
    if (deps.rateLimit !== false) {
      this.signed = new SlidingWindowRateLimiter(deps.rateLimit ?? { limit: 100, windowMs: 1000 });
      this.unsigned = new SlidingWindowRateLimiter(deps.rateLimit ?? { limit: 100, windowMs: 1000 });
    }
    this.clock = deps.clock ?? Date.now;
    if (deps.onAccepted) this.accepted = new AcceptedLanes(deps.onAccepted);
  }

  async handle(request: IngressRequest): Promise<IngressResponse> {
    const { connectionId } = request;
    const log = this.deps.logger;
    const found = this.resolve(connectionId, request.webhook);
    // a cached connection is answered without waiting a turn of the microtask queue
    const target = found instanceof Promise ? await found : found;
    if (!target) return problem(404, 'Not Found', 'no webhook is configured at this address');
    const { definition, context } = target;
    // built only when something is logged: a delivery that goes through allocates as little as it can
    const logFields = () => ({ connectionId, webhook: definition.name });

    if (request.method === 'GET' || request.method === 'HEAD') {
      const limited = this.limit(this.unsigned, connectionId);
      if (limited) return limited;
      let answer: WebhookResponse | undefined;
      try {
        answer = definition.handshake?.(request, context);
      } catch (error) {
        log.warn({ ...logFields(), err: message(error) }, 'webhook handshake failed');
        return problem(400, 'Bad Request');
      }
      if (!answer) return problem(405, 'Method Not Allowed', undefined, { allow: 'POST' });
      return { kind: 'raw', response: answer };
    }

    let verified = false;
    try {
      const checked = definition.verify(request, context);
      verified = checked instanceof Promise ? await checked : checked;
    } catch (error) {
      log.warn({ ...logFields(), err: message(error) }, 'webhook verification threw; refused');
    }
    if (verified !== true) {
      const limited = this.limit(this.unsigned, connectionId);
      if (limited) return limited;
      log.warn(logFields(), 'webhook refused: signature missing or invalid');
      return problem(401, 'Unauthorized', 'the request signature is missing or invalid');
    }
    // counted only once the signature checked out: junk cannot use up the budget of genuine deliveries
    const limited = this.limit(this.signed, connectionId);
    if (limited) return limited;

    const malformed = jsonProblem(request);
    if (malformed !== undefined) {
      await this.reject(request, definition.name, malformed);
      return problem(400, 'Bad Request', malformed);
    }

    let parsed: unknown;
    try {
      parsed = definition.parse(request, context);
    } catch (error) {
      log.warn({ ...logFields(), err: message(error) }, 'webhook payload could not be parsed');
      const reason = 'the webhook payload could not be parsed';
      await this.reject(request, definition.name, reason);
      return problem(400, 'Bad Request', reason);
    }
    if (!validEvents(parsed)) {
      log.error(logFields(), 'webhook parse returned events without an id or type (connector bug)');
      return problem(500, 'Internal Server Error');
    }
    const events = parsed.some((e) => e.id.length > MAX_EVENT_ID_LENGTH)
      ? parsed.map((e) => (e.id.length <= MAX_EVENT_ID_LENGTH ? e : { ...e, id: eventKey(e.id) }))
      : parsed;

    let recorded: { accepted: string[]; duplicates: string[] };
    try {
      recorded = await this.deps.events.recordMany(connectionId, events, {
        webhook: definition.name,
        now: request.receivedAt.getTime(),
      });
    } catch (error) {
      // nothing of this delivery is recorded (a group is written whole or not at all): the vendor sends it again
      log.error({ ...logFields(), err: message(error) }, 'webhook events could not be recorded; answered 503');
      return problem(503, 'Service Unavailable', 'the delivery was not recorded; send it again', {
        'retry-after': '1',
      });
    }
    const { accepted, duplicates } = recorded;
    if (accepted.length > 0 && this.accepted) {
      try {
        await this.accepted.tell(connectionId, accepted);
      } catch (error) {
        // recorded durably: the events stay pending and are picked up by the next run
        log.error({ ...logFields(), err: message(error) }, 'could not enqueue a run for accepted webhook events');
      }
    }
    const counts = { accepted: accepted.length, duplicates: duplicates.length };
    log.debug({ connectionId, webhook: definition.name, ...counts }, 'webhook accepted');
    return { kind: 'json', status: 200, body: counts };
  }

  /** A 429 when the connection's bucket is empty; otherwise the request is counted. */
  private limit(limiter: SlidingWindowRateLimiter | undefined, connectionId: string): IngressResponse | undefined {
    const decision = limiter?.take(connectionId, this.clock());
    if (!decision || decision.allowed) return undefined;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    return problem(429, 'Too Many Requests', undefined, { 'retry-after': String(seconds) });
  }

  /** Records a refused signed delivery for the user to see; never its body. */
  private async reject(request: IngressRequest, webhook: string, reason: string): Promise<void> {
    const rejection: NewWebhookRejection = {
      connectionId: request.connectionId,
      webhook,
      reason,
      bodyBytes: request.rawBody.length,
      bodySha256: createHash('sha256').update(request.rawBody).digest('hex'),
      receivedAt: request.receivedAt.getTime(),
    };
    const contentType = request.headers['content-type'];
    if (contentType !== undefined) rejection.contentType = contentType.slice(0, 200);
    this.deps.logger.warn({ connectionId: request.connectionId, webhook, reason }, 'signed webhook delivery refused');
    try {
      await this.deps.rejections?.recordRejection(rejection);
    } catch (error) {
      this.deps.logger.error(
        { connectionId: request.connectionId, webhook, err: message(error) },
        'could not record a refused webhook delivery',
      );
    }
  }

  /** The connection's target: from the cache when fresh (synchronously), else looked up and cached. */
  private resolve(
    connectionId: string,
    webhookName: string | undefined,
  ): Target | undefined | Promise<Target | undefined> {
    const ttl = this.deps.connectionCacheMs ?? 1000;
    if (ttl <= 0) return this.lookup(connectionId, webhookName);
    // ids hold no NUL: the first webhook's key is the id itself, so the usual lookup builds no string
    const key = webhookName === undefined ? connectionId : `${connectionId}\u0000${webhookName}`;
    const now = this.clock();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < ttl) return cached.target;
    return this.lookupAndCache(key, now, connectionId, webhookName);
  }

  private async lookupAndCache(
    key: string,
    now: number,
    connectionId: string,
    webhookName: string | undefined,
  ): Promise<Target | undefined> {
    const target = await this.lookup(connectionId, webhookName);
    this.cache.delete(key);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { at: now, target });
    return target;
  }

  private async lookup(connectionId: string, webhookName: string | undefined): Promise<Target | undefined> {
    const connection = await this.deps.connections.get(connectionId, { decrypt: true });
    // ids only: the repository also finds connections by name, which is not an address
    if (!connection || connection.id !== connectionId) return undefined;
    if (!this.deps.registry.has(connection.connectorId)) return undefined;
    const webhooks = this.deps.registry.get(connection.connectorId).webhooks ?? [];
    const definition = webhookName === undefined ? webhooks[0] : webhooks.find((w) => w.name === webhookName);
    if (!definition) return undefined;
    const context: ConnectionContext = {
      id: connection.id,
      name: connection.name,
      settings: connection.settings,
      log: this.deps.logger,
    };
    return { definition, context };
  }
}
