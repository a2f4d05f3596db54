import type { Static, TSchema } from '@sinclair/typebox';
import type { ApiPolicy, Category, Json, Page, Refetched, WriteOutcome } from './contracts';
import type { OutboundHttp } from './http';
import type { OAuth2Declaration } from './oauth';
import { SDK_VERSION } from './version';

/** The logger a connector receives; pino-compatible, already redacting secrets. */
export interface ConnectorLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A configured connection as a connector sees it: settings decrypted, in memory only. */
export interface ConnectionContext<S = Record<string, unknown>> {
  id: string;
  name: string;
  settings: S;
  log: ConnectorLogger;
  /** Aborted when the run is cancelled or the worker shuts down. */
  signal?: AbortSignal;
  /** The hub's outbound door: make every HTTP request through it (see OutboundHttp). */
  http?: OutboundHttp;
}

export interface CheckResult {
  ok: boolean;
  message: string;
}

export interface ReadArgs<S> {
  connection: ConnectionContext<S>;
  /** What the last page of the previous read returned, or null on a first read. Owned by the runner. */
  checkpoint: Json | null;
  /** ISO time: read only records modified at or after it (a look-back window), when the stream supports it. */
  since?: string;
}

export interface StreamDefinition<S = Record<string, unknown>, R extends object = Record<string, unknown>> {
  name: string;
  title?: string;
  description?: string;
  recordSchema: TSchema | Record<string, unknown>;
  identity: string[];
  modifiedField?: string;
  read(args: ReadArgs<S>): AsyncIterable<Page<R>>;
  /**
   * Optional: what is wrong with a stored checkpoint this stream cannot resume from (undefined: it can). The runner
   * then fails the run closed, naming `hub flows reset`, instead of the stream silently reading everything again.
   */
  checkpointProblem?(checkpoint: Json): string | undefined;
  /** Optional: reads records again by what their stored copies carry (an id, a line), for `hub dlq replay`. */
  refetch?(args: RefetchArgs<S>): Promise<Refetched<R>[]>;
}

/** What a replay hands `refetch`: the stored source copy (and record key) of each dead letter. */
export interface RefetchArgs<S> {
  connection: ConnectionContext<S>;
  records: { key: string; source: Record<string, unknown> }[];
}

export interface WriteArgs<S, R> {
  connection: ConnectionContext<S>;
  records: R[];
}

export interface ActionDefinition<S = Record<string, unknown>, R extends object = Record<string, unknown>> {
  name: string;
  title?: string;
  description?: string;
  recordSchema: TSchema | Record<string, unknown>;
  /**
   * upsert: create or update by identity; delete: an ordinary removal by identity (archive, recycle bin), the only
   * kind mirror mode uses; erase: a GDPR erasure, permanent and irreversible (a purge), used only by erasure
   * requests and never by mirror mode; append: events, idempotent by key.
   */
  mode: 'upsert' | 'delete' | 'erase' | 'append';
  identity?: string[];
  /**
   * false when sending a record twice has two effects (e.g. an order created without a vendor-side key): a write
   * interrupted by a crash is then never sent again automatically; its records go to manual review. Default true.
   */
  idempotent?: boolean;
  /** One outcome per input record, in the same order. Never a single pass/fail for the whole batch. */
  write(args: WriteArgs<S, R>): Promise<WriteOutcome[]>;
}

export interface WebhookRequest {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
  receivedAt: Date;
}

export interface WebhookEvent {
  /** The vendor's event id, used to de-duplicate deliveries. */
  id: string;
  type: string;
  stream?: string;
  occurredAt?: string;
  record?: Record<string, unknown>;
  deleted?: boolean;
}

export interface WebhookResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface WebhookDefinition<S = Record<string, unknown>> {
  name: string;
  description?: string;
  stream?: string;
  /** Checks the signature on the raw body, in constant time, with the vendor's replay window. */
  verify(request: WebhookRequest, connection: ConnectionContext<S>): boolean | Promise<boolean>;
  parse(request: WebhookRequest, connection: ConnectionContext<S>): WebhookEvent[];
  /** Answers a GET verification handshake where the vendor uses one. */
  handshake?(request: WebhookRequest, connection: ConnectionContext<S>): WebhookResponse | undefined;
}

export interface ConnectorDefinition<S = Record<string, unknown>> {
  id: string;
  displayName: string;
  version: string;
  category: Category;
  description?: string;
  /** JSON Schema of the connection settings; secret properties are marked with `Secret()` ("x-secret": true). */
  settingsSchema: TSchema | Record<string, unknown>;
  policy: ApiPolicy;
  check(connection: ConnectionContext<S>): Promise<CheckResult>;
  /** Optional: refuses settings the schema cannot judge (e.g. a file outside the allowed folders) when a connection is saved; throws ConfigError naming the field. */
  checkSettings?(settings: S): void;
  streams: StreamDefinition<S, object>[];
  actions: ActionDefinition<S, object>[];
  webhooks?: WebhookDefinition<S>[];
  /** Optional: OAuth2 with refresh; the hub keeps the access token fresh in the settings (see core/sdk/oauth.ts). */
  oauth2?: OAuth2Declaration<S>;
  /** SDK version the definition was built with; set by defineConnector. */
  readonly sdkVersion?: string;
}

/**
 * Declares a connector. The settings type is derived from the settings schema, so the schema is the
 * single source of truth for what a connection holds.
 */
export function defineConnector<T extends TSchema>(
  definition: Omit<ConnectorDefinition<Static<T>>, 'settingsSchema' | 'sdkVersion'> & { settingsSchema: T },
): ConnectorDefinition<Static<T>> {
  return Object.freeze({ webhooks: [], ...definition, sdkVersion: SDK_VERSION });
}

/** Declares a stream; a small factory so each stream lives in its own file. */
export function defineStream<S, R extends object>(stream: StreamDefinition<S, R>): StreamDefinition<S, R> {
  return stream;
}

/** Declares an action; a small factory so each action lives in its own file. */
export function defineAction<S, R extends object>(action: ActionDefinition<S, R>): ActionDefinition<S, R> {
  return action;
}

export function defineWebhook<S>(webhook: WebhookDefinition<S>): WebhookDefinition<S> {
  return webhook;
}
