import type { Static, TSchema } from '@sinclair/typebox';
import type { ApiPolicy, Category, ConnectionPolicy, Json, Page, Refetched, WriteOutcome } from './contracts';
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
  /** The connection's shared rate budget, when the runner drives the call (absent in `check` and in unit tests). */
  budget?: ConnectionBudgetHook;
}

/**
 * The connection's rate budget as a connector sees it: shared by every worker (in Redis when the hub runs on it).
 * The runner already holds one slot of the main budget around each read of a page and each write; a connector uses
 * this for what the runner cannot see: a lane's limit per endpoint, and the vendor's own account of usage.
 */
export interface ConnectionBudgetHook {
  /**
   * Waits for a slot of `lane` (declared in the policy's `lanes`, or by `policyFor`) and takes it; call the
   * returned function when the response has arrived (the request then counts for the lane's interval from then).
   * An unknown lane throws, naming the lanes declared.
   */
  acquire(lane: string, signal?: AbortSignal): Promise<() => Promise<void>>;
  /**
   * Pauses the main budget (or `lane`) for `waitMs` on every worker: what a vendor's "slow down" asks. Never
   * shortens a pause already set.
   */
  pause(waitMs: number, reason: string, lane?: string): Promise<void>;
  /**
   * After a 429 that states no wait (no Retry-After): ms until the oldest request still counted in the window of
   * the main budget (or `lane`) leaves it, which is when the vendor's window has room again at the latest; the
   * whole interval when nothing is counted. Use it instead of waiting a whole window.
   */
  windowRemainder(lane?: string): Promise<number>;
  /**
   * Feeds a vendor's usage header back into the budget (Meta's `X-Business-Use-Case-Usage`, a quota-remaining
   * header): when `usedPercent` reaches `highWaterPercent` (default 90) or the vendor states a wait
   * (`regainAccessMs` > 0), pauses the main budget (or `lane`) for `regainAccessMs`, or `fallbackMs` (default
   * 60 s) when the vendor states none. Returns the pause set in ms (0: none).
   */
  reportUsage(usage: VendorUsage): Promise<number>;
}

/** What a vendor said about a connection's usage, for `ConnectionBudgetHook.reportUsage`. */
export interface VendorUsage {
  /** The highest share of any quota used, 0–100 (Meta: the largest of call_count, total_cputime, total_time). */
  usedPercent: number;
  /** How long until the vendor lets calls through again (Meta: estimated_time_to_regain_access, in minutes × 60,000). */
  regainAccessMs?: number;
  /** Pause from this share on. Default 90. */
  highWaterPercent?: number;
  /** Pause when the share is high and the vendor states no wait. Default 60,000. */
  fallbackMs?: number;
  /** Which budget: the main one when absent. */
  lane?: string;
  /** For the log: which header, which business or app. */
  reason: string;
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
  /**
   * Pages from the checkpoint on. A yielded page (its records array, its records, its checkpoint) belongs to the
   * hub: the runner asks for the next page while it still processes this one, so never change it after `yield`.
   */
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
  /**
   * SDK 1.3: the run-wide replace session this batch belongs to, passed to an action declared `replace` when the
   * runner writes it; absent outside a run (the conformance kit, a direct call), where one write is the whole set.
   */
  session?: WriteSession;
}

/**
 * SDK 1.3: one replace of a target's whole set (an audience) spread over the batches of a run (`WriteArgs.session`).
 * The runner sends the batches one at a time, in order; the batch with `last` goes only after every earlier batch of
 * the session was accepted, and only when the run read its whole source: a run that cannot finish (a batch refused as
 * a whole, an auth stop, a crash, a failed read) never sends it, so the vendor keeps the set it had. A new attempt of
 * the run (after a crash or a hand-back) starts a new session from batch 1. A run with nothing to send sends nothing
 * (a replace with nothing would empty the set).
 */
export interface WriteSession {
  /** Stable for one attempt of a run, new for each attempt (derive the vendor's session id from it). */
  id: string;
  /** The batch's number in the session: 1, 2, … consecutive; a retry of the same batch keeps its number. */
  seq: number;
  /** This batch completes the session: the vendor applies the replace when it arrives. */
  last: boolean;
  /** Records sent in the whole session, when known (on the last batch). */
  total?: number;
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
  /**
   * SDK 1.3: the writes of one run form ONE replace of the target's whole set (Meta's `usersreplace` of an audience):
   * the runner reads the source from its beginning on every run (no checkpoint), sends every mapped record (unchanged
   * ones too: the set must be whole), in batches that carry a `WriteArgs.session`, and completes the session only
   * after a complete read; dead letters of such a flow are not replayed one by one. Declare it with mode `upsert`.
   * A request the vendor refused as a whole must be thrown (a HubError of its kind), never returned as failed
   * outcomes: the runner takes a batch whose `write` returned as accepted (its failed outcomes are rows the vendor
   * refused inside it), and ends the run without completing the session when no `write` of a batch returned.
   * Default false.
   */
  replace?: boolean;
  identity?: string[];
  /**
   * false when sending a record twice has two effects (e.g. an order created without a vendor-side key): a write
   * interrupted by a crash is then never sent again automatically; its records go to manual review. Default true.
   */
  idempotent?: boolean;
  /**
   * Largest number of records one `write` call accepts (the vendor's per-request limit: 100 for HubSpot batch
   * upserts, 500 for a Mailchimp batch, 1 for a per-record endpoint). The runner never sends more; a flow's
   * `options.batchSize` may ask for less. Declared here, next to the write it describes (`policy.maxBatchSize`
   * keyed by action name is the older place and still read when an action does not declare it).
   */
  maxBatchSize?: number;
  /**
   * One outcome per input record, in the same order. Never a single pass/fail for the whole batch. `ok` and
   * `skipped` are recorded as written; `failed` goes to the dead-letter ledger (`retryable` ones are retried first);
   * `unconfirmed` (SDK 1.2) says the write may or may not have been applied and the connector could not find out
   * (the create got no answer, and the look-up by the hub's key failed too): the runner sends the record to manual
   * review (`hub runs review`) instead of the ledger, counts it neither as written nor as failed, and no run writes
   * it again until a person resolves it as done (optionally naming the target record, which links it) or retry.
   * Return it only when a replay could duplicate the effect; a write that is safe to send again is `failed`.
   */
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
  /**
   * SDK 1.2: the events name their record without carrying it (each event's `record` holds what the stream's
   * `refetch` needs, e.g. the id), as Meta's leadgen webhook names a lead. `parse` stays synchronous and offline (the
   * ingress answers the vendor at once); the RUNNER reads each named record through `stream`'s `refetch`, in the
   * connection's budget, and a webhook-triggered run of a flow reading `stream` maps those records instead of
   * reading the whole stream. A record `refetch` reports missing (deleted at the source) is listed in the run as
   * held, with the reason; a failed read is retried, and the events wait for the next run if it keeps failing.
   * Needs `stream` and a stream with `refetch`.
   */
  fetch?: boolean;
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
  /**
   * Optional: the budget of one connection from its settings (account tier, per-account or per-project limits),
   * enforced by the shared budget on every worker. Its rateBudget and concurrency replace the policy's, its lanes
   * are merged over the policy's. Called when a run starts; must be pure and fast.
   */
  policyFor?(settings: S): ConnectionPolicy;
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

/**
 * The largest batch an action accepts: its own `maxBatchSize`, else the policy's entry for it (the older place).
 * Works on a definition and on its serialisable description alike.
 */
export function actionBatchSize(
  connector: { policy: { maxBatchSize?: Record<string, number> }; actions: { name: string; maxBatchSize?: number }[] },
  actionName: string,
): number | undefined {
  const action = connector.actions.find((a) => a.name === actionName);
  return action?.maxBatchSize ?? connector.policy.maxBatchSize?.[actionName];
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
