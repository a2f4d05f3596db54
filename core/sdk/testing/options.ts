import type { ValidateFunction } from 'ajv';
import { createSchemaAjv, toJsonSchema } from '../../registry/validate';
import type { ConnectionContext, ConnectorLogger, WebhookRequest } from '../define';

/**
 * What the conformance rules need from the author of a connector: the connection settings of its sandbox, sample
 * records, and optional hooks. A rule whose hook is missing reports `skip` with "not applicable (no hook given: …)"
 * instead of passing silently, so a partner sees which guarantees their plugin does not prove yet.
 */
export interface ConformanceOptions<S> {
  /** Settings of the connection the rules use (a temp folder, a sandbox URL, nock-backed credentials…). */
  settings?: () => S | Promise<S>;
  /** Input records for each action, by action name; every action needs at least one. */
  sampleRecords?: Partial<Record<string, object[]>>;
  /** Pages whose records `stream.records-valid` checks (default 5), so a large source stays quick. */
  maxPages?: number;
  /** Pages after which a read counts as endless for `stream.pages-end` / `stream.resumable` (default 200). */
  pageLimit?: number;
  /** Per-test timeout handed to `it` (default 30 s). */
  timeoutMs?: number;
  /** Settings with wrong credentials: `check.rejects-bad-credentials`, `check.secret-not-in-message`. */
  badSettings?: () => S | Promise<S>;
  /** Extra secret values that must never appear in a message (the x-secret fields of badSettings are added). */
  secrets?: string[];
  /** Makes the i-th of many distinct valid records for an action: `action.max-batch-accepted`, `action.idempotent`. */
  batchRecord?: Partial<Record<string, (i: number) => object>>;
  /** A record the vendor documents as rejected, and a substring of the reason: `action.documented-rejection`. */
  rejectedRecord?: Partial<Record<string, { record: object; reason: string }>>;
  /** How many copies of the record the sandbox holds after a write: `action.idempotent`. */
  countAtTarget?: (action: string, record: object) => number | Promise<number>;
  /**
   * Makes the sandbox answer the next request of `action` with a 429 and a wait (optionally through other
   * settings, e.g. a second sandbox with a tiny budget): `action.rate-limited`. `restore` undoes it. Undefined:
   * the sandbox cannot rate-limit this action (the rule then reports skip).
   */
  rateLimit?: (action: string) => Promise<{ waitMs: number; settings?: S } | undefined>;
  restore?: () => void | Promise<void>;
  /** Records repeated on resume are allowed when modified this close to the checkpoint's last one (default 0). */
  lookBackMs?: number;
  /** Records repeated on resume are allowed when among the last N read before the checkpoint (offset overlap). */
  lookBackRecords?: number;
  /**
   * Streams the vendor gives no way to read incrementally (each read returns everything), exempt from
   * `stream.rerun-reads-little`: name each with the reason, which the rule reports (e.g. `{ lists: 'no modified
   * filter in the API' }`).
   */
  fullReadStreams?: Record<string, string>;
  /** A correctly signed delivery for a webhook, signed at `signedAt`: `webhook.signed-accepted` / `altered-rejected`. */
  signedWebhook?: (webhook: string, signedAt: Date) => WebhookRequest | Promise<WebhookRequest>;
  /** The replay window of the signature scheme; when given, a delivery signed twice as long ago must be rejected. */
  webhookMaxAgeMs?: number;
  /** False for schemes that sign the URL (a token) and not the body: the altered-body probe is then not made. */
  webhookSignsBody?: boolean;
}

export type RuleStatus = 'pass' | 'fail' | 'skip';

/** One rule's verdict. `subject` names the stream, action or webhook a per-item rule looked at. */
export interface RuleResult {
  id: string;
  subject?: string;
  status: RuleStatus;
  /** On fail: what the rule expected. */
  expected?: string;
  /** On fail: what it saw; on skip: why the rule did not apply. */
  seen?: string;
}

export type Verdict =
  { status: 'pass' } | { status: 'fail'; expected: string; seen: string } | { status: 'skip'; seen: string };

/** A rule bound to one connector (and one stream/action/webhook); `run` never throws. */
export interface ConformanceRule {
  id: string;
  subject?: string;
  title: string;
  /** Set when the rule cannot apply, known before running it (a hook or a webhook is missing). */
  skip?: string;
  run(): Promise<Verdict>;
}

export const pass: Verdict = { status: 'pass' };
export const fail = (expected: string, seen: string): Verdict => ({ status: 'fail', expected, seen });
export const skip = (seen: string): Verdict => ({ status: 'skip', seen });
export const noHook = (hook: string): string => `not applicable (no hook given: ${hook})`;

const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function connectionFor<S>(
  make: (() => S | Promise<S>) | undefined,
  settings?: S,
): Promise<ConnectionContext<S>> {
  const resolved = settings ?? (make ? await make() : ({} as S));
  return { id: 'conformance', name: 'conformance', settings: resolved, log: silentLog };
}

export function compile(schema: unknown): ValidateFunction {
  const json = toJsonSchema(schema);
  return createSchemaAjv(json).compile(json);
}

export function text(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function clip(value: string, max = 300): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
