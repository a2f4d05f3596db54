import { gzipSync } from 'node:zlib';
import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import type { SuppressionType } from '../schemas/records';
import { errorBody } from './contacts-routes';
import type { SandboxAccount, SandboxExport } from './state';

/**
 * Export, suppression and erasure routes of the sandbox, and the file host the export and error links point to
 * (S3 in SendGrid: no auth, no rate limit). Exports are NDJSON, gzipped unless told otherwise, split into files of
 * `exportFileRecords` contacts, with custom fields keyed by name.
 */

export interface DataRouteOptions {
  account: SandboxAccount;
  url: () => string;
  pollsToComplete: number;
  exportFileRecords: number;
  gzipExports: boolean;
}

const LISTS: Record<string, SuppressionType> = {
  unsubscribes: 'unsubscribe',
  bounces: 'bounce',
  spam_reports: 'spamreport',
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const ERASE_MAX = 5_000;
export const ERASE_MAX_BYTES = 256 * 1024;

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function dataRoutes(options: DataRouteOptions): SandboxRoute[] {
  const { account } = options;

  const buildFiles = (job: SandboxExport): void => {
    const urls: string[] = [];
    let lines: string[] = [];
    let count = 0;
    const flush = () => {
      if (lines.length === 0 && urls.length > 0) return;
      const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
      const token = `export-${job.id}-${urls.length}.json${options.gzipExports ? '.gz' : ''}`;
      account.files.set(token, options.gzipExports ? gzipSync(text) : Buffer.from(text));
      urls.push(`${options.url()}/files/${token}`);
      lines = [];
    };
    for (const contact of account.contacts.values()) {
      const shown = account.present(contact);
      const { id, list_ids: _lists, ...rest } = shown;
      lines.push(JSON.stringify({ contact_id: id, ...rest }));
      count++;
      if (lines.length >= options.exportFileRecords) flush();
    }
    flush();
    Object.assign(job, { status: 'ready', urls, contact_count: count, updated_at: new Date().toISOString() });
  };

  const createExport = (request: SandboxRequest): SandboxReply => {
    const body = (request.body ?? {}) as { file_type?: unknown };
    if (body.file_type !== undefined && body.file_type !== 'json' && body.file_type !== 'csv')
      return { status: 400, body: errorBody('file_type must be json or csv', 'file_type') };
    if (body.file_type !== 'json')
      return { status: 400, body: errorBody('the sandbox only produces json exports', 'file_type') };
    const now = new Date().toISOString();
    const job: SandboxExport = {
      id: account.nextId('export'),
      status: 'pending',
      polls: 0,
      created_at: now,
      updated_at: now,
    };
    account.exports.set(job.id, job);
    return {
      status: 202,
      body: { id: job.id, _metadata: { self: `${options.url()}/v3/marketing/contacts/exports/${job.id}` } },
    };
  };

  const exportStatus = (request: SandboxRequest): SandboxReply => {
    const job = account.exports.get(request.params.id ?? '');
    if (job === undefined) return { status: 404, body: errorBody('export not found') };
    job.polls += 1;
    if (job.status === 'pending' && job.polls > options.pollsToComplete) buildFiles(job);
    const { polls: _polls, ...shown } = job;
    return { status: 200, body: { ...shown, expires_at: new Date(Date.now() + 72 * 3600_000).toISOString() } };
  };

  const file = (request: SandboxRequest): SandboxReply => {
    const bytes = account.files.get(request.params.token ?? '');
    if (bytes === undefined) return { status: 404, body: 'NoSuchKey' };
    return { status: 200, body: bytes, headers: { 'content-type': 'application/octet-stream' } };
  };

  const listSuppressions = (request: SandboxRequest): SandboxReply => {
    const type = LISTS[request.params.list ?? ''];
    if (type === undefined) return { status: 404, body: errorBody('not found') };
    const start = integer(request.query.start_time);
    const end = integer(request.query.end_time);
    const limit = integer(request.query.limit) ?? 500;
    const offset = integer(request.query.offset) ?? 0;
    if (limit < 1 || limit > 500) return { status: 400, body: errorBody('limit must be between 1 and 500', 'limit') };
    const rows = account.suppressions[type]
      .filter((s) => (start === undefined || s.created >= start) && (end === undefined || s.created <= end))
      .slice(offset, offset + limit);
    return { status: 200, body: rows };
  };

  const erase = (request: SandboxRequest): SandboxReply => {
    const addresses = (request.body as { email_addresses?: unknown } | undefined)?.email_addresses;
    if (!Array.isArray(addresses) || addresses.length === 0)
      return { status: 400, body: errorBody('email_addresses is required', 'email_addresses') };
    if (addresses.length > ERASE_MAX || request.rawBody.length > ERASE_MAX_BYTES)
      return {
        status: 400,
        body: errorBody('at most 5,000 email_addresses or 256 KB per request', 'email_addresses'),
      };
    const invalid = addresses.filter((a) => typeof a !== 'string' || !EMAIL.test(a));
    if (invalid.length > 0)
      return {
        status: 400,
        body: {
          errors: invalid.map((a) => ({
            message: `Email_address ${String(a)} is not valid`,
            field: 'email_addresses',
          })),
        },
      };
    account.erase([...new Set((addresses as string[]).map((a) => a.trim().toLowerCase()))]);
    return { status: 202, body: { job_id: account.nextId('erase') } };
  };

  return [
    { method: 'POST', path: '/v3/marketing/contacts/exports', handler: createExport },
    { method: 'GET', path: '/v3/marketing/contacts/exports/:id', handler: exportStatus },
    { method: 'GET', path: '/v3/suppression/:list', handler: listSuppressions },
    { method: 'POST', path: '/v3/recipients/erasejob', handler: erase },
    { method: 'GET', path: '/files/:token', handler: file },
  ];
}
