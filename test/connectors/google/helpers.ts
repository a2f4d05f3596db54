import nock from 'nock';
import type { GoogleSettings } from '../../../connectors/google/schemas/settings';
import {
  IngestAudienceMembersRequestSchema,
  IngestEventsRequestSchema,
  RemoveAudienceMembersRequestSchema,
} from '../../../connectors/google/schemas/datamanager-discovery';
import { createSchemaAjv, formatAjvErrors } from '../../../core/registry/validate';
import type { ConnectionContext, ConnectorLogger, Json, OutboundHttp, Page, StreamDefinition } from '../../../core/sdk';

export const warnings: { obj: unknown; msg?: string }[] = [];
export const silentLog: ConnectorLogger = {
  debug() {},
  info() {},
  warn(obj, msg) {
    warnings.push({ obj, ...(msg === undefined ? {} : { msg }) });
  },
  error() {},
};

export const DM = 'https://datamanager.googleapis.com';
export const ADS = 'https://googleads.googleapis.com';
export const ACCESS = 'ya29.test-access-token-7f3a9c';
export const DEV_TOKEN = 'dev-token-test-5e1b';

export const settings: GoogleSettings = {
  clientId: 'client-1.apps.googleusercontent.com',
  clientSecret: 'client-secret-test-1',
  refreshToken: '1//refresh-test-token',
  accessToken: ACCESS,
  expiresAt: Date.now() + 3_600_000,
  operatingAccountId: '1234567890',
  loginAccountId: '9876543210',
  developerToken: DEV_TOKEN,
  conversionActionId: '555000111',
  userListId: '777000222',
  customerMatchTermsAccepted: true,
  diagnosticsPolls: 0,
};

export function connection(s: GoogleSettings = settings, http?: OutboundHttp): ConnectionContext<GoogleSettings> {
  return { id: 'conn-google', name: 'google', settings: s, log: silentLog, ...(http === undefined ? {} : { http }) };
}

/** nock for the Google hosts: no network, the local sandboxes stay reachable. */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    warnings.length = 0;
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

export async function readAll<R extends object>(
  stream: StreamDefinition<GoogleSettings, R>,
  conn: ConnectionContext<GoogleSettings>,
  checkpoint: Json | null = null,
): Promise<{ pages: Page<R>[]; records: R[]; checkpoint: Json | null }> {
  const pages: Page<R>[] = [];
  for await (const page of stream.read({ connection: conn, checkpoint })) pages.push(page);
  return { pages, records: pages.flatMap((p) => p.records), checkpoint: pages[pages.length - 1]?.checkpoint ?? null };
}

const validators = {
  'events:ingest': IngestEventsRequestSchema,
  'audienceMembers:ingest': IngestAudienceMembersRequestSchema,
  'audienceMembers:remove': RemoveAudienceMembersRequestSchema,
};

/** The problems of a request body against the Data Manager discovery document's shape (empty when valid). */
export function discoveryProblems(method: keyof typeof validators, body: unknown): string[] {
  const schema = validators[method] as Record<string, unknown>;
  const validate = createSchemaAjv(schema).compile(schema);
  return validate(body) ? [] : formatAjvErrors(validate.errors);
}

/** Google's error body. */
export const googleError = (code: number, status: string, message: string, details: object[] = []) => ({
  error: { code, message, status, details },
});
