import nock from 'nock';
import type { MailchimpSettings } from '../../../connectors/mailchimp/schemas/settings';
import type { ConnectionContext, ConnectorLogger, Json, Page } from '../../../core/sdk';
import { clearMergeFieldCache } from '../../../connectors/mailchimp/merge-fields';
import { members } from '../../../connectors/mailchimp/streams/members';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const API_KEY = '0123456789abcdef0123456789abcdef-us7';
export const API = 'https://us7.api.mailchimp.com';
export const LIST = 'list123';

export const settings: MailchimpSettings = { apiKey: API_KEY, listId: LIST, webhookToken: 'tok-0123456789abcdef' };

export function connection(s: MailchimpSettings = settings): ConnectionContext<MailchimpSettings> {
  return { id: 'conn-mc', name: 'mailchimp', settings: s, log: silentLog };
}

/** nock for the real Mailchimp host: no network, but the local sandbox stays reachable. */
export function useNock(): void {
  beforeAll(() => {
    // jest reuses a worker for several test files: nock's fetch interceptor must be installed by this file and
    // removed after it (restore), or the interceptors of two files stack up and corrupt responses
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    clearMergeFieldCache();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** Mailchimp's problem body. */
export function problemBody(status: number, title: string, detail: string) {
  return { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: 'abc' };
}

export interface ReadResult {
  pages: Page<Record<string, unknown>>[];
  records: Record<string, unknown>[];
  checkpoint: Json | null;
}

export async function readMembers(
  s: MailchimpSettings,
  checkpoint: Json | null = null,
  options: { since?: string; maxPages?: number } = {},
): Promise<ReadResult> {
  const result: ReadResult = { pages: [], records: [], checkpoint };
  for await (const page of members.read({ connection: connection(s), checkpoint, since: options.since })) {
    result.pages.push(page as Page<Record<string, unknown>>);
    result.records.push(...(page.records as unknown as Record<string, unknown>[]));
    result.checkpoint = page.checkpoint;
    if (options.maxPages !== undefined && result.pages.length >= options.maxPages) break;
  }
  return result;
}

export interface Captured {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

/**
 * A nock reply function: nock 15 hands it the fetch Request, read here into url, headers and the parsed JSON body.
 * `fn` answers [status, body?].
 */
export function replyWith(fn: (request: Captured) => readonly [number] | readonly [number, unknown]) {
  return async (request: Request) => {
    const text = await request.text();
    const body = text === '' ? undefined : (JSON.parse(text) as unknown);
    return fn({ method: request.method, url: new URL(request.url), headers: request.headers, body });
  };
}
