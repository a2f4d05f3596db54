import nock from 'nock';
import type { MetaSettings } from '../../../connectors/meta/schemas/settings';
import type { ConnectionContext, ConnectorLogger, Json, Page, StreamDefinition } from '../../../core/sdk';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const GRAPH = 'https://graph.facebook.com';
export const TOKEN = 'EAAtest-system-user-token-7f3a9c';
export const APP_SECRET = 'test-app-secret-1234';
export const settings: MetaSettings = {
  accessToken: TOKEN,
  pixelId: '1234567890',
  adAccountId: '5550001',
  audienceId: '2380000000001',
  leadFormIds: ['4400000000'],
};

export function connection(s: MetaSettings = settings): ConnectionContext<MetaSettings> {
  return { id: 'conn-meta', name: 'meta', settings: s, log: silentLog };
}

/** nock for graph.facebook.com: no network, but the local sandbox stays reachable. */
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

export async function readAll<R extends object>(
  stream: StreamDefinition<MetaSettings, R>,
  conn: ConnectionContext<MetaSettings>,
  checkpoint: Json | null = null,
): Promise<{ pages: Page<R>[]; records: R[]; checkpoint: Json | null }> {
  const pages: Page<R>[] = [];
  for await (const page of stream.read({ connection: conn, checkpoint })) pages.push(page);
  return { pages, records: pages.flatMap((p) => p.records), checkpoint: pages[pages.length - 1]?.checkpoint ?? null };
}

export async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

export const nowS = () => Math.floor(Date.now() / 1000);
