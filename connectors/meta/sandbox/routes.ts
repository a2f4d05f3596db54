import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import { ACTION_SOURCES } from '../schemas/records';
import { memberKey, type Audience, type MetaState } from './state';

/**
 * The Graph API routes of the sandbox, with Meta's error shapes (`{ error: { message, type, code, error_subcode,
 * error_user_title, error_user_msg, fbtrace_id } }`) and limits:
 * - `POST /:v/:pixel/events`: ≤ 1,000 events; ONE invalid event (unhashed PII, no action_source, a website event
 *   without user agent or URL, event_time older than 7 days) refuses the whole request (400, code 100);
 * - `POST|DELETE /:v/:audience/users`, `POST /:v/:audience/usersreplace`: ≤ 10,000 rows, multi-key schema,
 *   hashed values checked, operation_status 471 refuses edits (100/1713230); usersreplace sessions replace the
 *   audience only when their last batch arrives, with consecutive batch_seq (see replaceBatch);
 * - `GET /:v/:form/leads` (filtering on time_created, cursor paging, newest first), `GET /:v/:page/leadgen_forms`,
 *   `GET /:v/:node` (lead, audience, pixel, ad account, report run);
 * - `GET|POST /:v/:account/insights`, `GET /:v/:run/insights` (async report runs).
 * The error subcodes of the events rules are modelled on 2804016 (facebook-java-business-sdk#421); the others are
 * illustrative.
 */

const HEX64 = /^[a-f0-9]{64}$/;
const HASHED_USER_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'db', 'ge'];
const AUDIENCE_KEYS = ['EMAIL', 'PHONE', 'FN', 'LN', 'CT', 'ST', 'ZIP', 'COUNTRY', 'EXTERN_ID', 'MADID'];
const UNHASHED_AUDIENCE_KEYS = new Set(['EXTERN_ID', 'MADID']);

export function graphError(
  status: number,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxReply {
  return {
    status,
    body: {
      error: { message, type: 'OAuthException', code, is_transient: false, ...extra, fbtrace_id: 'SandboxTrace' },
    },
  };
}

const invalid = (subcode: number, title: string, msg: string) =>
  graphError(400, 100, 'Invalid parameter', { error_subcode: subcode, error_user_title: title, error_user_msg: msg });

export interface RouteOptions {
  /** The sandbox's clock in Unix seconds (tests move it to make an event go stale on the way). */
  nowS: () => number;
  pageSize: number;
}

function eventProblem(event: Record<string, unknown>, index: number, nowS: number): SandboxReply | undefined {
  const at = `event ${index}`;
  if (typeof event.event_name !== 'string' || event.event_name === '')
    return invalid(2804001, 'Missing Event Name', `${at}: event_name is required`);
  if (typeof event.event_time !== 'number' || !Number.isInteger(event.event_time))
    return invalid(2804002, 'Invalid Event Time', `${at}: event_time must be Unix seconds`);
  if (event.event_time < nowS - 7 * 86_400)
    return invalid(
      2804003,
      'Event Timestamp Too Old',
      `${at}: The timestamp for this event is more than 7 days in the past. Events must be sent within 7 days.`,
    );
  if (!ACTION_SOURCES.includes(event.action_source as (typeof ACTION_SOURCES)[number]))
    return invalid(2804050, 'Missing action_source', `${at}: action_source is required`);
  const user = (event.user_data ?? {}) as Record<string, unknown>;
  if (event.action_source === 'website' && (typeof user.client_user_agent !== 'string' || !event.event_source_url))
    return invalid(
      2804019,
      'Missing website parameters',
      `${at}: website events need client_user_agent and event_source_url`,
    );
  for (const key of HASHED_USER_KEYS) {
    const v = user[key];
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    if (!values.every((x) => typeof x === 'string' && HEX64.test(x)))
      return invalid(
        2804016,
        'User Parameter Not Hashed',
        `${at}: The ${key} parameter isn’t hashed. Hash all user parameters as SHA256, except for client user agent, click ID, and browser ID.`,
      );
  }
  if (Object.keys(user).length === 0) return invalid(2804040, 'Missing user_data', `${at}: user_data is required`);
  return undefined;
}

function events(state: MetaState, options: RouteOptions) {
  return (req: SandboxRequest): SandboxReply => {
    const body = (req.body ?? {}) as { data?: unknown; test_event_code?: string };
    const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : undefined;
    if (data === undefined || data.length === 0) return graphError(400, 100, 'The parameter data is required');
    if (data.length > 1000)
      return invalid(2804004, 'Too Many Events', `A request may carry at most 1000 events, not ${data.length}`);
    for (const [i, e] of data.entries()) {
      const problem = eventProblem(e, i, options.nowS());
      if (problem !== undefined) return problem; // all or nothing
    }
    if (typeof body.test_event_code === 'string') state.testEvents += data.length;
    else
      for (const e of data) {
        state.received++;
        const key = `${String(e.event_name)}\u0000${String(e.event_id)}`;
        if (!state.events.has(key))
          state.events.set(key, {
            event_name: String(e.event_name),
            event_id: String(e.event_id),
            event_time: e.event_time as number,
            body: e,
          });
      }
    return { status: 200, body: { events_received: data.length, messages: [], fbtrace_id: 'SandboxTrace' } };
  };
}

type Payload = { schema?: unknown; data?: unknown };

function checkPayload(payload: Payload | undefined): { schema: string[]; data: string[][] } | SandboxReply {
  const schema = Array.isArray(payload?.schema) ? (payload.schema as string[]) : undefined;
  const data = Array.isArray(payload?.data) ? (payload.data as string[][]) : undefined;
  if (schema === undefined || data === undefined) return graphError(400, 100, 'The parameter payload is required');
  if (data.length > 10_000)
    return invalid(1870053, 'Too many users', `At most 10000 users per request, not ${data.length}`);
  const unknown = schema.find((k) => !AUDIENCE_KEYS.includes(k));
  if (unknown !== undefined) return invalid(1870047, 'Invalid schema', `Unknown schema key ${unknown}`);
  return { schema, data };
}

/**
 * One usersreplace batch: its members join its session's; the session's members replace the audience's only when
 * its last batch (`last_batch_flag`) arrives, so an incomplete session changes nothing. `batch_seq` starts at 1 and
 * goes up by one; the same number again is a resend (its members are merged again, which changes nothing). A completed
 * session refuses any further batch but answers a resend of its last one without changing anything. The subcodes
 * of these refusals are illustrative.
 */
function replaceBatch(
  audience: Audience,
  sessionId: string,
  s: Record<string, unknown>,
  good: [string, string[]][],
): SandboxReply | undefined {
  const seq = s.batch_seq;
  if (sessionId === '' || typeof seq !== 'number' || !Number.isInteger(seq) || typeof s.last_batch_flag !== 'boolean')
    return graphError(400, 100, 'session with session_id, batch_seq and last_batch_flag is required');
  const session = audience.sessions.get(sessionId) ?? {
    members: new Map<string, string[]>(),
    seq: 0,
    completed: false,
  };
  if (session.completed)
    return seq === session.seq
      ? undefined
      : invalid(1870080, 'Session Already Completed', `Session ${sessionId} has already received its last batch`);
  if (seq !== session.seq + 1 && !(seq === session.seq && seq > 0))
    return invalid(
      1870081,
      'Invalid Batch Sequence',
      session.seq === 0
        ? `Session ${sessionId} must start with batch_seq 1, not ${seq}`
        : `Session ${sessionId} expected batch_seq ${session.seq + 1}, not ${seq}`,
    );
  for (const [key, row] of good) session.members.set(key, row);
  session.seq = seq;
  audience.sessions.set(sessionId, session);
  if (s.last_batch_flag !== true) return undefined;
  session.completed = true;
  audience.members.clear();
  for (const [key, row] of session.members) audience.members.set(key, row);
  return undefined;
}

function users(state: MetaState, kind: 'add' | 'remove' | 'replace') {
  return (req: SandboxRequest): SandboxReply => {
    const body = (req.body ?? {}) as { payload?: Payload; session?: Record<string, unknown> };
    const audience = state.audience(req.params.node!);
    if (audience.operationStatus.code === 471)
      return graphError(400, 100, 'Invalid parameter', {
        error_subcode: 1713230,
        error_user_title: 'Audience not editable',
        error_user_msg: 'This audience is being updated and cannot be edited now.',
      });
    const checked = checkPayload(body.payload);
    if ('status' in checked) return checked;
    const samples: Record<string, string> = {};
    const good: [string, string[]][] = [];
    for (const row of checked.data) {
      const bad = checked.schema.findIndex(
        (key, i) => !UNHASHED_AUDIENCE_KEYS.has(key) && row[i] !== '' && !HEX64.test(row[i] ?? ''),
      );
      if (bad >= 0) samples[row[bad] ?? ''] = `${checked.schema[bad]} is not a SHA-256 hash`;
      else good.push([memberKey(checked.schema, row), row]);
    }
    let sessionId: string | undefined;
    if (kind === 'replace') {
      const s = body.session ?? {};
      sessionId = String(s.session_id ?? '');
      const refused = replaceBatch(audience, sessionId, s, good);
      if (refused !== undefined) return refused;
    } else
      for (const [key, row] of good) {
        if (kind === 'add') audience.members.set(key, row);
        else audience.members.delete(key);
      }
    return {
      status: 200,
      body: {
        audience_id: req.params.node,
        session_id: sessionId ?? state.id(),
        num_received: checked.data.length,
        num_invalid_entries: Object.keys(samples).length,
        invalid_entry_samples: samples,
      },
    };
  };
}

/** `{ data, paging }` with an opaque offset cursor, the way Graph edges page. */
function paged(rows: unknown[], req: SandboxRequest, pageSize: number): SandboxReply {
  const limit = Math.min(Number(req.query.limit ?? pageSize) || pageSize, pageSize);
  const offset = req.query.after === undefined ? 0 : Number(Buffer.from(req.query.after, 'base64').toString('utf8'));
  const data = rows.slice(offset, offset + limit);
  const more = offset + limit < rows.length;
  const after = Buffer.from(String(offset + data.length)).toString('base64');
  return {
    status: 200,
    body: { data, paging: { cursors: { before: 'MA==', after }, ...(more ? { next: `…?after=${after}` } : {}) } },
  };
}

const graphTime = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');

function leadOut(l: {
  id: string;
  form_id: string;
  created_time: number;
  field_data: unknown;
  ad_id: string;
  campaign_id: string;
}) {
  return { ...l, created_time: graphTime(l.created_time), is_organic: false, platform: 'fb' };
}

function leads(state: MetaState, options: RouteOptions) {
  return (req: SandboxRequest): SandboxReply => {
    const form = state.forms.get(req.params.node!);
    if (form === undefined) return graphError(400, 100, 'Unsupported get request', { error_subcode: 33 });
    let after = -Infinity;
    if (req.query.filtering !== undefined) {
      const filters = JSON.parse(req.query.filtering) as { field: string; operator: string; value: number }[];
      for (const f of filters)
        if (f.field === 'time_created' && f.operator === 'GREATER_THAN') after = Math.max(after, Number(f.value));
    }
    const rows = form
      .filter((l) => l.created_time > after)
      .sort((a, b) => b.created_time - a.created_time) // newest first, as Meta lists them
      .map(leadOut);
    return paged(rows, req, options.pageSize);
  };
}

function insightRows(state: MetaState, timeRange: string | undefined) {
  const range = timeRange === undefined ? undefined : (JSON.parse(timeRange) as { since: string; until: string });
  return state.insightRows.filter(
    (r) => range === undefined || (String(r.date_start) >= range.since && String(r.date_start) <= range.until),
  );
}

function node(state: MetaState) {
  return (req: SandboxRequest): SandboxReply => {
    const id = req.params.node!;
    const lead = state.lead(id);
    if (lead !== undefined) return { status: 200, body: leadOut(lead) };
    if (state.deletedLeads.has(id))
      return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`, {
        error_subcode: 33,
      });
    const run = state.runs.get(id);
    if (run !== undefined) {
      run.pollsLeft = Math.max(0, run.pollsLeft - 1);
      const done = run.pollsLeft === 0;
      return {
        status: 200,
        body: { id, async_status: done ? 'Job Completed' : 'Job Running', async_percent_completion: done ? 100 : 50 },
      };
    }
    const audience = state.audiences.get(id);
    if (audience !== undefined)
      return {
        status: 200,
        body: { id, operation_status: audience.operationStatus, approximate_count: audience.members.size },
      };
    if (id.startsWith('act_')) return { status: 200, body: { id, name: 'Sandbox ad account', currency: 'EUR' } };
    if (/^\d+$/.test(id)) return { status: 200, body: { id, name: `Sandbox dataset ${id}` } };
    return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`, {
      error_subcode: 33,
    });
  };
}

export function routes(state: MetaState, options: RouteOptions, asyncPolls: number): SandboxRoute[] {
  return [
    { method: 'POST', path: '/:v/:node/events', handler: events(state, options) },
    { method: 'POST', path: '/:v/:node/users', handler: users(state, 'add') },
    { method: 'DELETE', path: '/:v/:node/users', handler: users(state, 'remove') },
    { method: 'POST', path: '/:v/:node/usersreplace', handler: users(state, 'replace') },
    { method: 'GET', path: '/:v/:node/leads', handler: leads(state, options) },
    {
      method: 'GET',
      path: '/:v/:node/leadgen_forms',
      handler: (req) =>
        paged(
          (state.pageForms.get(req.params.node!) ?? []).map((id) => ({ id })),
          req,
          options.pageSize,
        ),
    },
    {
      method: 'GET',
      path: '/:v/:node/insights',
      handler: (req) => {
        const run = state.runs.get(req.params.node!);
        return paged(run?.rows ?? insightRows(state, req.query.time_range), req, options.pageSize);
      },
    },
    {
      method: 'POST',
      path: '/:v/:node/insights',
      handler: (req) => {
        const id = state.id();
        const range = (req.body as { time_range?: string } | undefined)?.time_range;
        state.runs.set(id, { rows: insightRows(state, range), pollsLeft: asyncPolls });
        return { status: 200, body: { report_run_id: id } };
      },
    },
    { method: 'GET', path: '/:v/:node', handler: node(state) },
  ];
}
