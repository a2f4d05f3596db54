import nock from 'nock';
import type { OdooSettings } from '../../../connectors/odoo/schemas/settings';
import type { ConnectionContext, ConnectorLogger, Json, OutboundHttp, Page, StreamDefinition } from '../../../core/sdk';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const ODOO = 'https://acme.odoo.com';
export const KEY = 'odoo-test-api-key-7f3a9c';
export const settings: OdooSettings = { url: ODOO, database: 'acme', login: 'api@acme.test', apiKey: KEY };

export function connection(s: OdooSettings, http?: OutboundHttp): ConnectionContext<OdooSettings> {
  return { id: 'conn-odoo', name: 'odoo', settings: s, log: silentLog, ...(http === undefined ? {} : { http }) };
}

/** nock for the Odoo host: no network, but the local sandbox stays reachable. */
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
  stream: StreamDefinition<OdooSettings, R>,
  conn: ConnectionContext<OdooSettings>,
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

/** Odoo's /web/version answer for a major version. */
export const version = (major: number) => ({
  server_version: `${major}.0`,
  server_version_info: [major, 0, 0, 'final', 0, ''],
  server_serie: `${major}.0`,
  protocol_version: 1,
});
/** Odoo's JSON-2 error body ([doc] external_api.rst). */
export const json2Error = (name: string, message: string) => ({
  name,
  message,
  arguments: [message],
  context: {},
  debug: 'Traceback …',
});
/** Odoo's JSON-RPC fault (HTTP 200). */
export const rpcFault = (name: string, message: string) => ({
  jsonrpc: '2.0',
  id: 1,
  error: { code: 200, message: 'Odoo Server Error', data: json2Error(name, message) },
});
