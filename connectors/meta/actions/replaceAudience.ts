import { createHash, randomUUID } from 'node:crypto';
import {
  defineAction,
  isHubError,
  PermanentError,
  type ConnectionContext,
  type WriteOutcome,
  type WriteSession,
} from '../../../core/sdk';
import { clientFor, type MetaClient } from '../client';
import { AUDIENCE_LOCKED_SUBCODE, graphErrorFrom } from '../errors';
import { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { operationStatus, outcomesOf, payloadOf, rowOf, type MemberRow, type UsersAnswer } from './audience';
import { shapeMember, writeShapedMembers } from './member-shape';

/**
 * Full replace through `POST /{audience_id}/usersreplace`: a session `{ session_id, batch_seq, last_batch_flag,
 * estimated_num_total }`; Meta swaps the audience's members for the session's once its last batch arrives, and an
 * incomplete session changes nothing.
 *
 * In a flow the action is declared `replace` (SDK 1.3), so the runner makes the whole run ONE session
 * (`WriteArgs.session`, core/runner/replace-session.ts): every source record, in batches of up to 10,000 sent in
 * order; `session_id` is derived from the runner's session (new for each attempt of a run) and the audience,
 * `batch_seq` is the runner's batch number, `last_batch_flag` marks the run's final batch (sent only after a complete
 * read and every earlier batch accepted), `estimated_num_total` is sent with it. A session replaces ONE audience: the
 * one its batch's first member names (the record's `audienceId`, else the connection's); members of a batch naming
 * another audience fail alone, and a later batch naming another audience is refused by Meta (its session would not
 * start at batch 1), which stops the run with every audience left as it was. A request Meta refuses is thrown, so
 * the runner knows the session cannot complete; rows Meta reports invalid in an accepted batch fail alone.
 *
 * Outside a run (a direct call, the conformance kit) one write is one complete session with a new id: the records
 * given are the whole audience.
 */

/** Meta's `session_id` (a positive integer below 2^53) for the hub's session `sessionId` and one audience. */
export function sessionIdOf(sessionId: string, audienceId: string): number {
  const hex = createHash('sha256').update(`${sessionId}\u0000${audienceId}`).digest('hex');
  return Number.parseInt(hex.slice(0, 13), 16) || 1;
}

function send(client: MetaClient, audienceId: string, rows: MemberRow[], session: Record<string, unknown>) {
  return client.request<UsersAnswer>('POST', `${audienceId}/usersreplace`, {
    body: { payload: payloadOf(rows), session },
    where: `POST /{audience_id}/usersreplace (${rows.length} rows)`,
  });
}

/** One batch of the runner's session: one request, thrown when Meta refuses it (the runner then ends the session). */
async function writeSessionBatch(
  connection: ConnectionContext<MetaSettings>,
  records: AudienceMemberInput[],
  session: WriteSession,
): Promise<WriteOutcome[]> {
  const outcomes = new Array<WriteOutcome>(records.length);
  const rows: MemberRow[] = [];
  let audienceId: string | undefined;
  records.forEach((input, index) => {
    const shaped = shapeMember(input);
    const row = 'failed' in shaped ? shaped.failed : rowOf(shaped.record, index, connection.settings);
    if ('status' in row) outcomes[index] = row;
    else if ((audienceId ??= row.audienceId) !== row.audienceId)
      outcomes[index] = {
        status: 'failed',
        failure: 'permanent',
        reason: `a replace session replaces one audience (${audienceId}); this member names audience ${row.audienceId}: use a flow per audience`,
        field: 'audienceId',
      };
    else rows.push(row);
  });
  // a batch whose members all failed here still goes (empty) when it must keep the session's numbering or end it
  audienceId ??= connection.settings.audienceId;
  if (audienceId === undefined) return outcomes;
  const client = clientFor(connection);
  let answer: UsersAnswer;
  try {
    answer = await send(client, audienceId, rows, {
      session_id: sessionIdOf(session.id, audienceId),
      batch_seq: session.seq,
      last_batch_flag: session.last,
      ...(session.total === undefined ? {} : { estimated_num_total: session.total }),
    });
  } catch (error) {
    if (isHubError(error) && graphErrorFrom(error)?.error_subcode === AUDIENCE_LOCKED_SUBCODE) {
      const status = await operationStatus(client, audienceId);
      throw new PermanentError(
        `${error.message}. The audience does not take edits now${status === undefined ? '' : ` (${status})`}: fix it in Ads Manager`,
        { cause: error, ...(error.status === undefined ? {} : { status: error.status }) },
      );
    }
    throw error;
  }
  outcomesOf(rows, answer, outcomes, 'created');
  // Meta does not say which members are new to the audience: the runner counts a member this flow never sent as
  // created and one it sent before as updated (a replace sends everyone again on every run)
  return outcomes.map((o) => (o.status === 'ok' ? { status: 'ok', targetId: o.targetId } : o));
}

export const replaceAudience = defineAction<MetaSettings, AudienceMemberInput>({
  name: 'replaceAudience',
  title: 'Replace custom audience',
  description:
    'Replaces all members of a Custom Audience with the source list on every run (one usersreplace session per run, in batches; the audience changes only when the whole list has arrived)',
  recordSchema: AudienceMemberInput,
  mode: 'upsert',
  replace: true,
  maxBatchSize: 10_000,
  identity: ['email', 'phone', 'externalId'],
  write: ({ connection, records, session }) =>
    session !== undefined
      ? writeSessionBatch(connection, records, session)
      : writeShapedMembers(
          connection,
          records,
          (client, audienceId, rows) =>
            send(client, audienceId, rows, {
              session_id: sessionIdOf(randomUUID(), audienceId),
              batch_seq: 1,
              last_batch_flag: true,
              estimated_num_total: rows.length,
            }),
          'created',
        ),
});
