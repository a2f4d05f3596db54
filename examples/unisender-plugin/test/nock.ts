import nock from 'nock';
import type { Args } from '../sandbox/http';
import { API, parseBody } from './helpers';

// Kept apart from helpers.ts: importing nock activates it, so only the files that mock the API may load it.

/**
 * nock for the Unisender host in one test file. Jest runs several files in one worker and nock patches Node's HTTP
 * and fetch globally: each file activates it and restores it when done, or the interceptors of two files stack up
 * and corrupt responses. 127.0.0.1 stays reachable for tests that also use the sandbox.
 */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/**
 * Answers one call of `method` with `answer` (HTTP 200, as Unisender answers failures too) and records its parsed
 * body in `calls`. (nock's function replies never resolve under fetch, hence the body matcher.)
 */
export function mockCall(method: string, answer: object, calls: Args[] = [], lang = 'en'): Args[] {
  nock(API)
    .post(`/${lang}/api/${method}?format=json`, (body: unknown) => {
      // recorded, not asserted here: a failed expect inside a matcher only surfaces as "fetch failed"
      calls.push(parseBody(body));
      return true;
    })
    .reply(200, answer);
  return calls;
}

/**
 * Checks a request body against the documented shape of the method (Unisender publishes no machine-readable spec):
 * the key travels in the body, importContacts rows have one cell per field name and at most 500 rows, exportContacts
 * asks for at most 1000 rows.
 */
export function assertDocumentedRequest(method: string, args: Args): void {
  expect(args.api_key).toEqual(expect.any(String));
  if (method === 'importContacts') {
    const names = args.field_names as string[];
    expect(Array.isArray(names)).toBe(true);
    expect(names.includes('email') || names.includes('phone')).toBe(true);
    const data = args.data as string[][];
    expect(data.length).toBeGreaterThan(0);
    expect(data.length).toBeLessThanOrEqual(500);
    for (const row of data) expect(row).toHaveLength(names.length);
    for (const flag of ['overwrite_tags', 'overwrite_lists']) expect(['0', '1']).toContain(args[flag]);
  }
  if (method === 'exportContacts') {
    expect(Number(args.limit)).toBeLessThanOrEqual(1000);
    expect(Number(args.offset)).toBeGreaterThanOrEqual(0);
  }
  if (method === 'unsubscribe' || method === 'exclude') {
    expect(args.contact_type).toBe('email');
    expect(args.contact).toEqual(expect.any(String));
  }
}
