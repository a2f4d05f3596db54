import type { ConnectionContext, ConnectorLogger, Json, Page, WriteOutcome } from '../../../core/sdk';
import type { SendGridSettings } from '../../../connectors/sendgrid/schemas/settings';
import { clearFieldCache } from '../../../connectors/sendgrid/fields';
import connector from '../../../connectors/sendgrid';

export const API = 'https://api.sendgrid.com';
export const EU_API = 'https://api.eu.sendgrid.com';
export const KEY = 'SG.test-key-do-not-leak';

export interface CapturedLog {
  level: string;
  obj: unknown;
  msg?: string;
}

export function logger(into: CapturedLog[] = []): ConnectorLogger {
  const push = (level: string) => (obj: object | string, msg?: string) => {
    into.push({ level, obj, msg });
  };
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export function connection(
  settings: Partial<SendGridSettings> = {},
  log: ConnectorLogger = logger(),
): ConnectionContext<SendGridSettings> {
  clearFieldCache();
  return { id: 'con_sg', name: 'sendgrid test', settings: { apiKey: KEY, importPollMs: 10, ...settings }, log };
}

export function action(name: string) {
  const found = connector.actions.find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name}`);
  return found as unknown as {
    write(args: { connection: ConnectionContext<SendGridSettings>; records: object[] }): Promise<WriteOutcome[]>;
  };
}

export function stream(name: string) {
  const found = connector.streams.find((s) => s.name === name);
  if (!found) throw new Error(`no stream ${name}`);
  return found as unknown as {
    read(args: {
      connection: ConnectionContext<SendGridSettings>;
      checkpoint: Json | null;
      since?: string;
    }): AsyncIterable<Page<Record<string, unknown>>>;
  };
}

export async function readAll(
  name: string,
  conn: ConnectionContext<SendGridSettings>,
  checkpoint: Json | null = null,
  since?: string,
): Promise<Page<Record<string, unknown>>[]> {
  const pages: Page<Record<string, unknown>>[] = [];
  for await (const page of stream(name).read({ connection: conn, checkpoint, since })) pages.push(page);
  return pages;
}

/** The field definitions response most nock tests start from. */
export const FIELDS = {
  custom_fields: [
    { id: 'e1_T', name: 'company', field_type: 'Text' },
    { id: 'e2_N', name: 'orders', field_type: 'Number' },
  ],
  reserved_fields: [{ id: '_rf0_T', name: 'first_name', field_type: 'Text' }],
};
