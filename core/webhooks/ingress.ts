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
import type { WebhookEventsRepo } from '../store/repos/webhook-events';
import { SlidingWindowRateLimiter, type RateLimitOptions } from './rate-limit';

/** Longest vendor event id accepted (the column is text; this only bounds abuse). */
const MAX_EVENT_ID_LENGTH = 512;
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
   * runner enqueues a webhook-triggered run from it. A failure here is logged; the events stay pending.
   */
  onAccepted?: (connectionId: string, eventIds: string[]) => void | Promise<void>;
  logger: ConnectorLogger;
  /**
   * How long a looked-up connection (decrypted settings, webhook definition) is reused, in ms; default 1000, 0
   * turns it off. Bounds how long an edited secret or a deleted connection takes to be seen.
   */
  connectionCacheMs?: number;
  /** Per-connection request rate; default 100 requests per second. `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
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
        (e as WebhookEvent).id.length <= MAX_EVENT_ID_LENGTH &&
        typeof (e as WebhookEvent).type === 'string',
    )
  );
}

/**
 * The webhook ingress, independent of HTTP framework: rate limit → connection → verify → parse → record
 * (de-duplicated, durable) → onAccepted → 2xx. A request that fails verification records nothing and tells
 * nobody; it is answered 401 without saying why.
 */
export class WebhookIngress {
  private readonly limiter?: SlidingWindowRateLimiter;
  private readonly clock: () => number;
  private readonly cache = new Map<string, { at: number; target: Target | undefined }>();

  constructor(private readonly deps: WebhookIngressDeps) {
    if (deps.rateLimit !== false)
      this.limiter = new SlidingWindowRateLimiter(deps.rateLimit ?? { limit: 100, windowMs: 1000 });
    this.clock = deps.clock ?? Date.now;
  }

  async handle(request: IngressRequest): Promise<IngressResponse> {
    const { connectionId } = request;
    const log = this.deps.logger;
    const decision = this.limiter?.take(connectionId, this.clock());
    if (decision && !decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return problem(429, 'Too Many Requests', undefined, { 'retry-after': String(seconds) });
    }

    const target = await this.resolve(connectionId, request.webhook);
    if (!target) return problem(404, 'Not Found', 'no webhook is configured at this address');
    const { definition, context } = target;
    const logFields = { connectionId, webhook: definition.name };

    if (request.method === 'GET' || request.method === 'HEAD') {
      let answer: WebhookResponse | undefined;
      try {
        answer = definition.handshake?.(request, context);
      } catch (error) {
        log.warn({ ...logFields, err: message(error) }, 'webhook handshake failed');
        return problem(400, 'Bad Request');
      }
      if (!answer) return problem(405, 'Method Not Allowed', undefined, { allow: 'POST' });
      return { kind: 'raw', response: answer };
    }

    let verified = false;
    try {
      verified = await definition.verify(request, context);
    } catch (error) {
      log.warn({ ...logFields, err: message(error) }, 'webhook verification threw; refused');
    }
    if (verified !== true) {
      log.warn(logFields, 'webhook refused: signature missing or invalid');
      return problem(401, 'Unauthorized', 'the request signature is missing or invalid');
    }

    let events: unknown;
    try {
      events = definition.parse(request, context);
    } catch (error) {
      log.warn({ ...logFields, err: message(error) }, 'webhook payload could not be parsed');
      return problem(400, 'Bad Request', 'the webhook payload could not be parsed');
    }
    if (!validEvents(events)) {
      log.error(logFields, 'webhook parse returned events without an id or type (connector bug)');
      return problem(500, 'Internal Server Error');
    }

    const { accepted, duplicates } = await this.deps.events.recordMany(connectionId, events, {
      webhook: definition.name,
      now: request.receivedAt.getTime(),
    });
    if (accepted.length > 0 && this.deps.onAccepted) {
      try {
        await this.deps.onAccepted(connectionId, accepted);
      } catch (error) {
        // recorded durably: the events stay pending and are picked up by the next run
        log.error({ ...logFields, err: message(error) }, 'could not enqueue a run for accepted webhook events');
      }
    }
    log.debug({ ...logFields, accepted: accepted.length, duplicates: duplicates.length }, 'webhook accepted');
    return { kind: 'json', status: 200, body: { accepted: accepted.length, duplicates: duplicates.length } };
  }

  private async resolve(connectionId: string, webhookName: string | undefined): Promise<Target | undefined> {
    const ttl = this.deps.connectionCacheMs ?? 1000;
    if (ttl <= 0) return this.lookup(connectionId, webhookName);
    const key = `${connectionId}\u0000${webhookName ?? ''}`;
    const now = this.clock();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < ttl) return cached.target;
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
