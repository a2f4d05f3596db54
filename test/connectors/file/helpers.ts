import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import connector from '../../../connectors/file';
import type { FileSettings } from '../../../connectors/file/schemas/settings';
import type { ConnectionContext, ConnectorLogger, Json, Page } from '../../../core/sdk';

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

const made: string[] = [];
/** A fresh temp folder, removed after the test file. */
export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-file-'));
  made.push(dir);
  return dir;
}
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

export function connection(settings: FileSettings, log: ConnectorLogger = silentLog): ConnectionContext<FileSettings> {
  return { id: 'conn-1', name: 'files', settings, log };
}

export const stream = connector.streams[0];
export const action = connector.actions[0];

export interface ReadResult {
  pages: Page<Record<string, unknown>>[];
  records: Record<string, unknown>[];
  checkpoint: Json | null;
}

/** Reads the records stream to the end (or `maxPages`), as the runner would. */
export async function readAll(
  settings: FileSettings,
  checkpoint: Json | null = null,
  options: { since?: string; maxPages?: number } = {},
): Promise<ReadResult> {
  const result: ReadResult = { pages: [], records: [], checkpoint };
  const args = {
    connection: connection(settings),
    checkpoint,
    ...(options.since === undefined ? {} : { since: options.since }),
  };
  for await (const page of stream.read(args)) {
    const typed = page as Page<Record<string, unknown>>;
    result.pages.push(typed);
    result.records.push(...typed.records);
    result.checkpoint = typed.checkpoint;
    if (options.maxPages !== undefined && result.pages.length >= options.maxPages) break;
  }
  return result;
}

export function ids(records: Record<string, unknown>[]): unknown[] {
  return records.map((r) => r.id);
}
