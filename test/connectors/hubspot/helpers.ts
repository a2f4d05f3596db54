import connector from '../../../connectors/hubspot';
import type { HubSpotSettings } from '../../../connectors/hubspot/schemas/settings';
import type { ConnectionContext, ConnectorLogger, Json, Page, WriteOutcome } from '../../../core/sdk';
import { assertValidRequestBody } from '../../helpers/vendor-specs';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const TOKEN = 'pat-na1-secret-token-1234';
export const API = 'https://api.hubapi.com';

/** Settings for nock tests: the real base URL, and limits high enough that the client's throttles never wait. */
export function nockSettings(extra: Partial<HubSpotSettings> = {}): HubSpotSettings {
  return { accessToken: TOKEN, searchRateLimit: 1000, tier: 'api-add-on', lookbackMs: 0, ...extra };
}

export function connection(settings: HubSpotSettings): ConnectionContext<HubSpotSettings> {
  return { id: 'conn-hs', name: 'hubspot', settings, log: silentLog };
}

export const streamNamed = (name: string) => connector.streams.find((s) => s.name === name)!;
export const actionNamed = (name: string) => connector.actions.find((a) => a.name === name)!;

export interface ReadResult {
  pages: Page<Record<string, unknown>>[];
  records: Record<string, unknown>[];
  checkpoint: Json | null;
}

/** Reads a stream to its end (or `maxPages`), as the runner would, keeping the last checkpoint. */
export async function readAll(
  name: string,
  settings: HubSpotSettings,
  checkpoint: Json | null = null,
  options: { maxPages?: number; since?: string } = {},
): Promise<ReadResult> {
  const result: ReadResult = { pages: [], records: [], checkpoint };
  const args = { connection: connection(settings), checkpoint, ...(options.since ? { since: options.since } : {}) };
  for await (const page of streamNamed(name).read(args)) {
    result.pages.push(page as Page<Record<string, unknown>>);
    result.records.push(...(page.records as Record<string, unknown>[]));
    result.checkpoint = page.checkpoint;
    if (options.maxPages !== undefined && result.pages.length >= options.maxPages) break;
  }
  return result;
}

export function write(name: string, settings: HubSpotSettings, records: object[]): Promise<WriteOutcome[]> {
  return actionNamed(name).write({ connection: connection(settings), records });
}

/** A HubSpot object as the API returns it. */
export function hsObject(id: string | number, modified: string, properties: Record<string, string | null> = {}) {
  return {
    id: String(id),
    properties: { hs_object_id: String(id), lastmodifieddate: modified, hs_lastmodifieddate: modified, ...properties },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: modified,
    archived: false,
  };
}

/** Captures request bodies of a nock scope for spec validation. */
export class Captured {
  readonly bodies: { path: string; body: unknown }[] = [];
  take = (path: string) => (body: unknown) => {
    this.bodies.push({ path, body });
    return true;
  };
  validate(file: string, method: string, specPath: string, path: string): number {
    const matching = this.bodies.filter((b) => b.path === path);
    for (const b of matching) assertValidRequestBody(file, method, specPath, b.body);
    return matching.length;
  }
}
