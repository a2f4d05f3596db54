import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, defineAction, type WriteOutcome } from '../../../core/sdk';
import { fileError, targetFile, withFileLock, type TargetFile } from '../client';
import { csvCell, isPlainObject, type Serialised } from '../formats/values';
import { csvDialect, csvLine, csvRecordLine, readCsvHeader } from '../formats/csv';
import { ndjsonLine } from '../formats/ndjson';
import { describeEncoding } from '../formats/text';
import { FileRecord } from '../schemas/record';
import type { FileSettings } from '../schemas/settings';

/**
 * Action `writeRecords` (append): appends each record as one line of the `output` file, creating the file (with a
 * CSV header) when it is new. The batch is one append, serialised per file; one record that cannot be written
 * (a nested object in a CSV cell, a field that is not a column, a bigint in NDJSON) fails alone and names its field.
 * Appending is at-least-once: a batch re-delivered after a crash is appended again (dedupe downstream by idField).
 */

async function sizeOf(target: TargetFile): Promise<number> {
  try {
    return (await fs.promises.stat(target.absolute)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw fileError(error, target, 'writing');
  }
}

async function lastByte(file: string, size: number): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(1);
    await handle.read(buffer, 0, 1, size - 1);
    return buffer[0];
  } finally {
    await handle.close();
  }
}

async function countNewlines(file: string): Promise<number> {
  let count = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) count += 1;
  }
  return count;
}

/** Keys of the records a new CSV file can hold, in first-seen order: the header of a new file. */
function columnsOf(records: unknown[]): string[] {
  const columns: string[] = [];
  for (const record of records) {
    if (!isPlainObject(record)) continue;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined);
    if (!keys.every((k) => csvCell(record[k], k).ok)) continue;
    for (const key of keys) if (!columns.includes(key)) columns.push(key);
  }
  return columns;
}

/** The record's identity value as text, or undefined when it has none (its line number stands in). */
function idValue(record: unknown, idField: string): string | undefined {
  const value = isPlainObject(record) ? record[idField] : undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

async function append(target: TargetFile, records: object[]): Promise<WriteOutcome[]> {
  const { options } = target;
  const size = await sizeOf(target);
  let prefix = '';
  let serialise: (record: unknown) => Serialised = ndjsonLine;
  if (target.format === 'csv') {
    let columns = options.columns;
    // an existing file keeps its own delimiter (detected when not set); a new one gets the setting or a comma
    let delimiter = options.delimiter ?? ',';
    if (size > 0) {
      const dialect = await csvDialect(target.absolute, { delimiter: options.delimiter }, ',', target.name);
      // appends are UTF-8: mixing them into a file in another encoding would garble it
      if (dialect.encoding.encoding !== 'utf-8')
        throw new ConfigError(
          `output ${target.name} is ${describeEncoding(dialect.encoding)}, and records are appended in UTF-8: name a new output file (or convert this one to UTF-8)`,
          { field: 'output' },
        );
      delimiter = dialect.delimiter;
      if (options.header) columns = (await readCsvHeader(target.absolute, dialect, target.name))?.columns;
    }
    columns ??= columnsOf(records);
    if (size === 0 && options.header) prefix = csvLine(columns, delimiter);
    const fileColumns = columns;
    serialise = (record) => csvRecordLine(record, fileColumns, delimiter);
  }
  const lines = records.map(serialise);
  const accepted = lines.filter((l) => l.ok);
  if (accepted.length === 0) return lines.map(toFailure);

  let existingLines = 0;
  if (size > 0) {
    const endsWithNewline = (await lastByte(target.absolute, size)) === 0x0a;
    if (!endsWithNewline) prefix = `\n${prefix}`;
    // line numbers are only needed for records without an identity value
    const needLines = records.some((r, i) => lines[i].ok && idValue(r, options.idField) === undefined);
    if (needLines) existingLines = (await countNewlines(target.absolute)) + (endsWithNewline ? 0 : 1);
  }
  const text = prefix + accepted.map((l) => (l.ok ? l.text : '')).join('');
  try {
    await fs.promises.mkdir(path.dirname(target.absolute), { recursive: true });
    await fs.promises.appendFile(target.absolute, text, 'utf8');
  } catch (error) {
    throw fileError(error, target, 'appending to');
  }

  let line = existingLines + (size === 0 && prefix !== '' ? 1 : 0) + 1;
  return lines.map((serialised, i): WriteOutcome => {
    if (!serialised.ok) return toFailure(serialised);
    const targetId = idValue(records[i], options.idField) ?? `line:${line}`;
    const outcome: WriteOutcome = { status: 'ok', targetId, operation: 'created' };
    line += serialised.text.split('\n').length - 1;
    return outcome;
  });
}

function toFailure(serialised: Serialised): WriteOutcome {
  if (serialised.ok) throw new Error('unreachable: a written record has no failure');
  const failure: WriteOutcome = { status: 'failed', failure: 'permanent', reason: serialised.reason };
  if (serialised.field !== undefined) failure.field = serialised.field;
  return failure;
}

export const writeRecords = defineAction<FileSettings, Record<string, unknown>>({
  name: 'writeRecords',
  title: 'Append records',
  description: 'Appends each record as one line of the output file (CSV with a header when new, or NDJSON)',
  recordSchema: FileRecord,
  mode: 'append',
  maxBatchSize: 1_000,
  async write({ connection, records }) {
    const target = targetFile(connection.settings, 'output');
    return withFileLock(target.absolute, () => append(target, records));
  },
});
