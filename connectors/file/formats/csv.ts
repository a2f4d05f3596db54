import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse, type Info, type Options } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { PermanentError } from '../../../core/sdk';
import { csvCell, isPlainObject, type RowRef, type Serialised } from './values';

/**
 * CSV, streamed through csv-parse from a byte offset. csv-parse reports the byte position after each record
 * (`info.bytes`), exact even with multi-byte characters and quoted newlines, so a read can resume at a record
 * boundary: the header is read from the start of the file, the data from the checkpoint's offset.
 */

export interface CsvHeader {
  columns: string[];
  /** Byte offset just after the header line. */
  end: number;
  line: number;
}

interface InfoRecord<T> {
  record: T;
  info: Info;
}

function csvProblem(error: unknown, label: string, startLine: number): PermanentError {
  const lines = (error as { lines?: unknown }).lines;
  const at = typeof lines === 'number' ? ` line ${startLine + lines}` : '';
  const reason = error instanceof Error ? error.message : String(error);
  return new PermanentError(`${label}${at} is not valid CSV: ${reason}`, { cause: error });
}

/**
 * Parses from `start`. A broken record must not lose the good ones before it: a parser error destroys the stream
 * and drops records it had already parsed but we had not consumed, so broken records are reported through
 * `on_skip` instead, and we stop (throw) exactly where the first one was.
 */
async function* parseFrom<T>(file: string, start: number, options: Options): AsyncGenerator<InfoRecord<T>> {
  let broken: { error: unknown; before: number } | undefined;
  const source = fs.createReadStream(file, { start, highWaterMark: 64 * 1024 });
  const parser = parse({
    ...options,
    info: true,
    bom: start === 0,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      broken ??= { error, before: typeof error?.records === 'number' ? error.records : 0 };
    },
  });
  // pipeline destroys the file stream when the parser stops (an error, or a reader that stops early)
  pipeline(source, parser, () => undefined);
  try {
    for await (const item of parser as AsyncIterable<InfoRecord<T>>) {
      if (broken !== undefined && item.info.records > broken.before) throw broken.error;
      yield item;
    }
    if (broken !== undefined) throw broken.error;
  } finally {
    parser.destroy();
    source.destroy();
  }
}

/** The header of a CSV file, or undefined for an empty file. */
export async function readCsvHeader(file: string, delimiter: string, label: string): Promise<CsvHeader | undefined> {
  try {
    for await (const { record, info } of parseFrom<string[]>(file, 0, { delimiter, to: 1 })) {
      const columns = record.map((c) => c.trim());
      const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
      if (repeated !== undefined) throw new PermanentError(`${label} header names column "${repeated}" more than once`);
      const empty = columns.findIndex((c) => c === '');
      if (empty !== -1) throw new PermanentError(`${label} header has an empty name for column ${empty + 1}`);
      return { columns, end: info.bytes, line: info.lines };
    }
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    throw csvProblem(error, label, 0);
  }
  return undefined;
}

/** Yields the records of `file` from byte `start` (a record boundary), keyed by `columns`. */
export async function* readCsvRows(
  file: string,
  start: number,
  startLine: number,
  columns: string[],
  delimiter: string,
  label: string,
): AsyncGenerator<RowRef> {
  try {
    for await (const { record, info } of parseFrom<Record<string, string>>(file, start, { delimiter, columns })) {
      yield { record, end: start + info.bytes, line: startLine + info.lines };
    }
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    throw csvProblem(error, label, startLine);
  }
}

/** The line (with its newline) for a header. */
export function csvLine(cells: string[], delimiter: string): string {
  return stringify([cells], { delimiter, record_delimiter: 'unix' });
}

/**
 * One record as one CSV row in `columns` order, or why it cannot be written: a field that is not a column of the
 * file, or a value a cell cannot hold (an object, an array).
 */
export function csvRecordLine(record: unknown, columns: string[], delimiter: string): Serialised {
  if (!isPlainObject(record)) return { ok: false, reason: 'the record is not an object' };
  for (const [key, value] of Object.entries(record)) {
    const cell = csvCell(value, key);
    if (!cell.ok) return cell;
  }
  for (const key of Object.keys(record)) {
    if (!columns.includes(key) && record[key] !== undefined) {
      return {
        ok: false,
        field: key,
        reason: `field "${key}" is not a column of the file (columns: ${columns.join(', ')})`,
      };
    }
  }
  const cells: string[] = [];
  for (const column of columns) {
    const cell = csvCell(record[column], column);
    cells.push(cell.ok ? cell.text : '');
  }
  return { ok: true, text: csvLine(cells, delimiter) };
}
