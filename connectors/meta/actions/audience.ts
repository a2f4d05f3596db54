import { createHash } from 'node:crypto';
import { isHubError, type ConnectionContext, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type MetaClient } from '../client';
import { AUDIENCE_LOCKED_SUBCODE, graphErrorFrom } from '../errors';
import { countryOf, normalizeMetaIdentifier, sha256Hex, type MetaIdentifierField } from '../identifiers';
import type { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';

/**
 * Custom Audience members in Meta's multi-key form: `payload = { schema: [...], data: [[...], ...] }`, one row per
 * person, values normalised and SHA-256 hashed like CAPI user data except EXTERN_ID and MADID, which Meta takes as
 * they are ([doc] vendor-apis.md §5). The schema of one request is the union of the keys its records carry (an
 * absent value is an empty string). Audience id: the record's `audienceId`, else the connection's `audienceId`
 * setting; records of one batch may name several audiences (one request each).
 */

const KEYS: [keyof AudienceMemberInput, string, MetaIdentifierField | null][] = [
  ['email', 'EMAIL', 'em'],
  ['phone', 'PHONE', 'ph'],
  ['firstName', 'FN', 'fn'],
  ['lastName', 'LN', 'ln'],
  ['city', 'CT', 'ct'],
  ['state', 'ST', 'st'],
  ['zip', 'ZIP', 'zp'],
  ['country', 'COUNTRY', 'country'],
  ['externalId', 'EXTERN_ID', null],
  ['madid', 'MADID', null],
];

export interface MemberRow {
  index: number;
  audienceId: string;
  values: Map<string, string>;
}

export interface UsersAnswer {
  audience_id?: string;
  session_id?: string | number;
  num_received?: number;
  num_invalid_entries?: number;
  invalid_entry_samples?: Record<string, unknown>;
}

/** The row of one record, or the failed outcome naming the field at fault. */
export function rowOf(record: AudienceMemberInput, index: number, settings: MetaSettings): MemberRow | WriteOutcome {
  const audienceId = record.audienceId ?? settings.audienceId;
  if (audienceId === undefined)
    return {
      status: 'failed',
      failure: 'permanent',
      reason: 'no audience: set audienceId on the record, or the audienceId setting of the connection',
      field: 'audienceId',
    };
  const values = new Map<string, string>();
  for (const [field, key, rule] of KEYS) {
    const raw = record[field];
    if (raw === undefined || raw.trim() === '' || field === 'audienceId') continue;
    if (rule === null) {
      values.set(key, raw.trim());
      continue;
    }
    const n = normalizeMetaIdentifier(rule, raw, countryOf(record.country));
    if (!n.ok) return { status: 'failed', failure: 'permanent', reason: n.problem, field };
    values.set(key, n.alreadyHashed ? n.value : sha256Hex(n.value));
  }
  // a name or an address alone matches no one: one of the keys people are matched by must be there
  if (!['EMAIL', 'PHONE', 'EXTERN_ID', 'MADID'].some((key) => values.has(key)))
    return {
      status: 'failed',
      failure: 'permanent',
      reason: 'no identifier: give email, phone, externalId or madid',
      field: 'email',
    };
  return { index, audienceId, values };
}

/** `{ schema, data }` for rows of one audience. */
export function payloadOf(rows: MemberRow[]): { schema: string[]; data: string[][] } {
  const schema = KEYS.map(([, key]) => key).filter((key) => rows.some((r) => r.values.has(key)));
  return { schema, data: rows.map((r) => schema.map((key) => r.values.get(key) ?? '')) };
}

/** A stable id of the member at Meta's side (the audience and its first identifier). */
export function memberId(row: MemberRow): string {
  const [key, value] = [...row.values.entries()][0]!;
  return `${row.audienceId}:${createHash('sha256').update(`${key}:${value}`).digest('hex').slice(0, 16)}`;
}

/** The audience's operation_status ({ code, description }) for a message, when Meta tells it. */
export async function operationStatus(client: MetaClient, audienceId: string): Promise<string | undefined> {
  try {
    const node = await client.request<{ operation_status?: { code?: number; description?: string } }>(
      'GET',
      audienceId,
      { query: { fields: 'operation_status' }, where: 'GET /{audience_id}' },
    );
    const s = node.operation_status;
    return s === undefined ? undefined : `operation_status ${s.code ?? '?'}: ${s.description ?? ''}`.trim();
  } catch {
    return undefined;
  }
}

/** Groups the records by audience, keeping the failed outcomes of records that cannot be rows. */
export function groupRows(records: AudienceMemberInput[], settings: MetaSettings) {
  const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
  const byAudience = new Map<string, MemberRow[]>();
  records.forEach((record, index) => {
    const row = rowOf(record, index, settings);
    if ('status' in row) outcomes[index] = row;
    else byAudience.set(row.audienceId, [...(byAudience.get(row.audienceId) ?? []), row]);
  });
  return { outcomes, byAudience };
}

/** Outcomes of one answered request: rows whose value Meta sampled as invalid fail, the rest are ok. */
export function outcomesOf(
  rows: MemberRow[],
  answer: UsersAnswer,
  outcomes: WriteOutcome[],
  operation: 'created' | 'deleted',
) {
  const samples = answer.invalid_entry_samples ?? {};
  const invalid = new Set(Object.keys(samples));
  for (const row of rows) {
    const bad = [...row.values.values()].find((v) => invalid.has(v));
    outcomes[row.index] =
      bad === undefined
        ? { status: 'ok', targetId: memberId(row), operation }
        : {
            status: 'failed',
            failure: 'permanent',
            reason: `Meta counted this member as an invalid entry: ${JSON.stringify(samples[bad]).slice(0, 200)}`,
          };
  }
}

/**
 * One request per audience of the batch; a refused request fails its rows (an AuthError stops the batch). A throttle
 * or an outage before anything of the batch was written is thrown, so the runner pauses the connection for Meta's
 * wait without spending the members' attempts (as rows they were dead-lettered once Meta's wait outlasted the retry
 * window); after a throttle, the audiences still waiting fail with it unsent (a throttled token is not called again).
 */
export async function writeMembers(
  connection: ConnectionContext<MetaSettings>,
  records: AudienceMemberInput[],
  send: (client: MetaClient, audienceId: string, rows: MemberRow[]) => Promise<UsersAnswer>,
  operation: 'created' | 'deleted',
): Promise<WriteOutcome[]> {
  const client = clientFor(connection);
  const { outcomes, byAudience } = groupRows(records, connection.settings);
  let written = 0;
  let throttled: unknown;
  for (const [audienceId, rows] of byAudience) {
    try {
      if (throttled !== undefined) throw throttled;
      outcomesOf(rows, await send(client, audienceId, rows), outcomes, operation);
      written += rows.length;
    } catch (error) {
      if (!isHubError(error) || error.kind === 'auth' || error.kind === 'config') throw error;
      if (written === 0 && (error.kind === 'rate_limited' || error.kind === 'retryable')) throw error;
      if (error.kind === 'rate_limited') throttled = error;
      let reason = error.message;
      const locked = graphErrorFrom(error)?.error_subcode === AUDIENCE_LOCKED_SUBCODE;
      if (locked) {
        const status = await operationStatus(client, audienceId);
        reason = `${reason}. The audience does not take edits now${status === undefined ? '' : ` (${status})`}: fix it in Ads Manager`;
      }
      const retryable = error.kind === 'retryable' || error.kind === 'rate_limited';
      const wait = (error as { retryAfterMs?: number }).retryAfterMs;
      for (const row of rows)
        outcomes[row.index] = {
          status: 'failed',
          failure: retryable ? 'retryable' : 'permanent',
          reason,
          ...(retryable && wait !== undefined ? { retryAfterMs: wait } : {}),
        };
    }
  }
  return outcomes;
}
