import {
  ConfigError,
  defineStream,
  isHubError,
  type ConnectionContext,
  type Json,
  type Page,
  type Refetched,
} from '../../../core/sdk';
import { clientFor, type MetaClient } from '../client';
import { PAGE_LIMIT } from '../policy';
import { Lead } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';

/**
 * Lead Ads leads, read form by form: `GET /{form_id}/leads` filtered on `time_created` (Unix seconds). This is the
 * reconciliation read the leadgen webhook needs, because deliveries are known to go missing (§5b): a webhook
 * delivery only says "read now", and whichever way a lead comes its record id is the lead id, so the runner
 * records it once.
 *
 * Checkpoint: `{ forms: { <form_id>: <created_time of the newest lead read, Unix seconds> } }` between reads, and
 * while a read is under way also `done` (forms finished in this pass) and `at` (the form being read, its filter,
 * the cursor after the last page yielded and the newest lead seen so far). Meta lists a form's leads newest
 * first, so a form's mark moves only once all of its pages were read; a read resumed mid-form continues from the
 * stored cursor (or, if Meta no longer takes it, reads that form again from the same filter). A new read asks each
 * form read before for leads created after `newest mark of all forms − LOOK_BACK_SECONDS`, because a lead can become readable a little after the time it is
 * stamped with; the leads read again in that window are the same records (unchanged, not written again).
 * Forms added later start from `since`, else from the beginning (Meta keeps leads 90 days).
 */

export const LOOK_BACK_SECONDS = 3_600;
export const LEAD_FIELDS = 'id,created_time,field_data,ad_id,campaign_id,form_id,is_organic,platform';

interface RawLead {
  id: string;
  created_time?: string;
  field_data?: { name?: string; values?: unknown[] }[];
  ad_id?: string;
  campaign_id?: string;
  form_id?: string;
  is_organic?: boolean;
  platform?: string;
}

/** Meta writes times as `2026-12-01T10:00:00+0000`; Date.parse wants the offset with a colon. */
export function graphTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

export function toLead(raw: RawLead, formId?: string): Lead {
  const fields: Record<string, string> = {};
  for (const f of raw.field_data ?? [])
    if (typeof f.name === 'string') fields[f.name] = (f.values ?? []).map(String).join(', ');
  const ms = graphTime(raw.created_time);
  return {
    id: String(raw.id),
    form_id: raw.form_id ?? formId ?? null,
    created_time: ms === undefined ? '' : new Date(ms).toISOString(),
    ad_id: raw.ad_id ?? null,
    campaign_id: raw.campaign_id ?? null,
    is_organic: raw.is_organic === true,
    platform: raw.platform ?? null,
    fields,
    email: fields.email ?? null,
    phone: fields.phone_number ?? fields.phone ?? null,
    full_name: fields.full_name ?? null,
  };
}

type Marks = Record<string, number>;

interface At {
  form: string;
  from: number | null;
  after: string;
  newest: number;
}

interface LeadsCheckpoint {
  forms: Marks;
  done: string[];
  at?: At;
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseAt(value: Json | undefined): At | undefined {
  if (!isObject(value)) return undefined;
  const { form, from, after, newest } = value;
  if (typeof form !== 'string' || typeof after !== 'string' || typeof newest !== 'number') return undefined;
  return { form, from: typeof from === 'number' ? from : null, after, newest };
}

export function parseLeadsCheckpoint(checkpoint: Json | null): LeadsCheckpoint | undefined {
  if (!isObject(checkpoint) || !isObject(checkpoint.forms)) return undefined;
  const forms = Object.fromEntries(
    Object.entries(checkpoint.forms).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );
  const done = Array.isArray(checkpoint.done) ? checkpoint.done.filter((d): d is string => typeof d === 'string') : [];
  const at = parseAt(checkpoint.at);
  return { forms, done, ...(at === undefined ? {} : { at }) };
}

export function checkpointProblem(value: Json): string | undefined {
  return parseLeadsCheckpoint(value) === undefined
    ? 'not a Meta leads checkpoint { forms: { <form_id>: <unix seconds> } }'
    : undefined;
}

const filterOf = (from: number | null) =>
  from === null
    ? {}
    : { filtering: JSON.stringify([{ field: 'time_created', operator: 'GREATER_THAN', value: from }]) };

/** The forms to read: the leadFormIds setting, else every lead form of pageId. */
async function formsOf(client: MetaClient, settings: MetaSettings): Promise<string[]> {
  if (settings.leadFormIds !== undefined && settings.leadFormIds.length > 0) return settings.leadFormIds;
  if (settings.pageId === undefined)
    throw new ConfigError(
      'The leads stream needs leadFormIds (the lead forms to read) or pageId (read all its forms)',
      {
        field: 'leadFormIds',
      },
    );
  const forms: string[] = [];
  for await (const { rows } of client.pages<{ id: string }>(
    `${settings.pageId}/leadgen_forms`,
    { fields: 'id', limit: PAGE_LIMIT },
    'GET /{page_id}/leadgen_forms',
  ))
    forms.push(...rows.map((f) => String(f.id)));
  return forms;
}

/** One lead by id (`GET /{lead_id}`): what a leadgen webhook names. Undefined when Meta no longer has it. */
export async function fetchLead(
  connection: ConnectionContext<MetaSettings>,
  leadId: string,
): Promise<Lead | undefined> {
  try {
    const raw = await clientFor(connection).request<RawLead>('GET', leadId, {
      query: { fields: LEAD_FIELDS },
      where: 'GET /{lead_id}',
    });
    return toLead(raw);
  } catch (error) {
    if (isHubError(error) && error.kind === 'permanent') return undefined;
    throw error;
  }
}

export const leads = defineStream<MetaSettings, Lead>({
  name: 'leads',
  title: 'Lead Ads leads',
  description:
    'Leads of each lead form, incremental on created_time with a look-back; the leadgen webhook triggers the same read',
  recordSchema: Lead,
  identity: ['id'],
  modifiedField: 'created_time',
  checkpointProblem,
  async *read(args): AsyncIterable<Page<Lead>> {
    const client = clientFor(args.connection);
    const stored = parseLeadsCheckpoint(args.checkpoint) ?? { forms: {}, done: [] };
    const marks: Marks = { ...stored.forms };
    const done = new Set(stored.done);
    const highWater = Math.max(0, ...Object.values(stored.forms));
    const sinceMs = args.since === undefined ? Number.NaN : Date.parse(args.since);
    const sinceS = Number.isNaN(sinceMs) ? null : Math.floor(sinceMs / 1000);
    for (const form of await formsOf(client, args.connection.settings)) {
      if (done.has(form)) continue;
      const resume = stored.at?.form === form ? stored.at : undefined;
      // a form read before is read from the newest lead of ANY form less the look-back (the time of the last read,
      // near enough); a form never read (added since) from `since`, else from the beginning
      const mark = marks[form];
      const from = resume !== undefined ? resume.from : mark !== undefined ? highWater - LOOK_BACK_SECONDS : sinceS;
      let newest = resume?.newest ?? mark ?? 0;
      const query = { fields: LEAD_FIELDS, limit: PAGE_LIMIT, ...filterOf(from) };
      const pages = async function* () {
        try {
          yield* client.pages<RawLead>(`${form}/leads`, query, 'GET /{form_id}/leads', resume?.after);
        } catch (error) {
          // a stored cursor Meta no longer takes: read the form again from the same filter
          if (resume === undefined || !isHubError(error) || error.kind !== 'permanent') throw error;
          yield* client.pages<RawLead>(`${form}/leads`, query, 'GET /{form_id}/leads');
        }
      };
      for await (const { rows, after } of pages()) {
        const records = rows.map((r) => toLead(r, form));
        for (const r of rows) newest = Math.max(newest, Math.floor((graphTime(r.created_time) ?? 0) / 1000));
        if (after !== undefined) {
          // mid-form: the mark stays (newest first), the cursor says where to go on
          yield { records, checkpoint: { forms: { ...marks }, done: [...done], at: { form, from, after, newest } } };
          continue;
        }
        if (newest > 0) marks[form] = newest;
        done.add(form);
        yield { records, checkpoint: { forms: { ...marks }, done: [...done] } };
      }
    }
    // the pass is complete: only the marks remain
    yield { records: [], checkpoint: { forms: { ...marks } } };
  },
  async refetch({ connection, records }): Promise<Refetched<Lead>[]> {
    const out: Refetched<Lead>[] = [];
    for (const { source } of records) {
      const id = typeof source.id === 'string' ? source.id : undefined;
      if (id === undefined) {
        out.push({ status: 'unsupported' });
        continue;
      }
      const lead = await fetchLead(connection, id);
      out.push(
        lead === undefined
          ? { status: 'missing', reason: `Meta has no lead ${id}` }
          : { status: 'found', record: lead },
      );
    }
    return out;
  },
});
