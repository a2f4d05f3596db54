import { defineStream, type Json } from '../../../core/sdk';
import { clientFor } from '../client';
import { LeadFormSubmissionRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';

export const DEFAULT_PAGE_SIZE = 500;

interface LeadRow {
  leadFormSubmissionData?: {
    id?: string;
    asset?: string;
    campaign?: string;
    adGroup?: string;
    gclid?: string;
    submissionDateTime?: string;
    leadFormSubmissionFields?: { fieldType?: string; fieldValue?: string }[];
    customLeadFormSubmissionFields?: { questionText?: string; fieldValue?: string }[];
  };
}

/** Checkpoint: the submission time reached (Google's `yyyy-mm-dd hh:mm:ss±hh:mm`) and the ids read at that time. */
interface LeadCheckpoint {
  since: string;
  ids: string[];
}

/** The last segment of a resource name (`customers/1/campaigns/23` → `23`), or null. */
const idOf = (name: string | undefined) => (name === undefined || name === '' ? null : (name.split('/').pop() ?? null));

/** `2026-01-05 10:00:00+01:00` → `2026-01-05T10:00:00+01:00`. */
const isoOf = (google: string) => google.replace(' ', 'T');

export function leadQuery(since: string | undefined): string {
  return [
    'SELECT lead_form_submission_data.id, lead_form_submission_data.asset, lead_form_submission_data.campaign,',
    'lead_form_submission_data.ad_group, lead_form_submission_data.gclid,',
    'lead_form_submission_data.submission_date_time, lead_form_submission_data.lead_form_submission_fields,',
    'lead_form_submission_data.custom_lead_form_submission_fields',
    'FROM lead_form_submission_data',
    ...(since === undefined ? [] : [`WHERE lead_form_submission_data.submission_date_time >= '${since.slice(0, 19)}'`]),
    'ORDER BY lead_form_submission_data.submission_date_time',
  ].join(' ');
}

function toRecord(row: LeadRow): LeadFormSubmissionRecord {
  const data = row.leadFormSubmissionData ?? {};
  const fields: Record<string, string> = {};
  for (const f of data.leadFormSubmissionFields ?? [])
    if (f.fieldType !== undefined) fields[f.fieldType] = f.fieldValue ?? '';
  for (const f of data.customLeadFormSubmissionFields ?? [])
    if (f.questionText !== undefined) fields[f.questionText] = f.fieldValue ?? '';
  const field = (name: string) => fields[name] ?? null;
  return {
    id: String(data.id ?? ''),
    submittedAt: isoOf(data.submissionDateTime ?? ''),
    campaignId: idOf(data.campaign),
    adGroupId: idOf(data.adGroup),
    assetId: idOf(data.asset),
    gclid: data.gclid ?? null,
    email: field('EMAIL'),
    phone: field('PHONE_NUMBER'),
    fullName: field('FULL_NAME'),
    firstName: field('FIRST_NAME'),
    lastName: field('LAST_NAME'),
    fields,
  };
}

/**
 * Lead form submissions from the Google Ads API (GAQL `lead_form_submission_data`), incremental by submission time.
 * Checkpoint: `{ since, ids }`, the submission time of the last record handed over and the ids submitted at exactly
 * that time; the next read asks for `submission_date_time >= since` and skips those ids, so leads sharing a second
 * are neither lost nor repeated.
 */
export const leadFormSubmissions = defineStream<GoogleSettings, LeadFormSubmissionRecord>({
  name: 'leadFormSubmissions',
  title: 'Lead form submissions',
  description: 'Leads from Google Ads lead form assets: the answers by field type, campaign, ad group and gclid.',
  recordSchema: LeadFormSubmissionRecord,
  identity: ['id'],
  modifiedField: 'submittedAt',
  checkpointProblem(checkpoint: Json) {
    const c = checkpoint as Partial<LeadCheckpoint> | null;
    return typeof c?.since === 'string' && Array.isArray(c.ids) ? undefined : 'the checkpoint is not { since, ids }';
  },
  async *read({ connection, checkpoint }) {
    const client = clientFor(connection);
    const size = connection.settings.pageSize ?? DEFAULT_PAGE_SIZE;
    const previous = checkpoint as LeadCheckpoint | null;
    const skip = new Set(previous?.ids ?? []);
    const rows = await client.searchStream<LeadRow>(leadQuery(previous?.since));
    const fresh = rows.filter((r) => {
      const data = r.leadFormSubmissionData;
      return !(data?.submissionDateTime === previous?.since && skip.has(String(data?.id ?? '')));
    });
    let since = previous?.since;
    let ids = since === undefined ? [] : [...skip];
    for (let i = 0; i < fresh.length; i += size) {
      const page = fresh.slice(i, i + size);
      for (const row of page) {
        const at = row.leadFormSubmissionData?.submissionDateTime ?? '';
        const id = String(row.leadFormSubmissionData?.id ?? '');
        if (at !== since) [since, ids] = [at, []];
        ids.push(id);
      }
      yield { records: page.map(toRecord), checkpoint: { since: since ?? '', ids: [...ids] } };
    }
  },
});
