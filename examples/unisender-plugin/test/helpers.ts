import type { ConnectionContext, ConnectorLogger, Page } from 'connector-hub/sdk';
import { parseArgs, type Args } from '../sandbox/http';
import type { UnisenderSettings } from '../schemas/settings';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const API = 'https://api.unisender.com';
export const KEY = 'test-key-5f3a9c1e';

export const baseSettings: UnisenderSettings = { apiKey: KEY, lang: 'en', listId: 7, fields: ['Name'] };

export function connection(settings: UnisenderSettings = baseSettings): ConnectionContext<UnisenderSettings> {
  return { id: 'c1', name: 'unisender test', settings, log: silentLog };
}

/** A captured form body (nock hands it over as an object of literal keys) parsed the way Unisender (PHP) reads it. */
export function parseBody(body: unknown): Args {
  if (typeof body === 'string') return parseArgs(body);
  if (typeof body !== 'object' || body === null) return {};
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body as Record<string, string | string[]>)) {
    for (const value of Array.isArray(v) ? v : [v]) form.append(k, value);
  }
  return parseArgs(form.toString());
}

export async function readAll<R>(pages: AsyncIterable<Page<R>>): Promise<Page<R>[]> {
  const all: Page<R>[] = [];
  for await (const page of pages) all.push(page);
  return all;
}
