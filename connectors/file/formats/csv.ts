import { stringify } from 'csv-stringify/sync';
import { PermanentError } from '../../../core/sdk';
import {
  describeEncoding,
  detectEncoding,
  readLines,
  type DetectedEncoding,
  type Encoding,
  type PhysicalLine,
} from './text';
import { csvCell, isPlainObject, type FileRow, type Serialised } from './values';

/**
 * CSV as people export it, streamed from a byte offset. Records are cut from the file's physical lines (a quoted
 * field may span lines) and split into cells here rather than by csv-parse: csv-parse cannot go on after bad
 * quoting without swallowing the rows that follow, and counts lines differently when it resumes, while a row
 * that cannot be read must become one dead letter with the file's own line number and its raw text, and the
 * rest of the file must still be read. Writing stays with csv-stringify.
 */

/** The line number every CSV record carries: where its row starts in the file (replays re-read by it). */
export const LINE_FIELD = '_line';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** A quoted field still open after this many lines is taken as a broken quote, not a multi-line cell. */
const MAX_QUOTED_LINES = 1000;

export interface CsvDialect {
  encoding: DetectedEncoding;
  delimiter: string;
}

export interface CsvHeader {
  columns: string[];
  /** Byte offset just after the header line. */
  end: number;
  line: number;
}

type Split = { kind: 'cells'; cells: string[] } | { kind: 'open' } | { kind: 'problem'; problem: string };

/** Splits one record's text into cells (RFC 4180 quoting; a quote inside an unquoted cell is kept as text). */
export function splitCsvRecord(text: string, delimiter: string): Split {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let at = i + 1;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote === -1) return { kind: 'open' };
        value += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      cells.push(value);
      if (at >= text.length) return { kind: 'cells', cells };
      if (text[at] !== delimiter) {
        return {
          kind: 'problem',
          problem: `cell ${cells.length} has text after its closing quote (a quote inside a quoted cell must be doubled: "")`,
        };
      }
      i = at + 1;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next === -1) {
        cells.push(text.slice(i));
        return { kind: 'cells', cells };
      }
      cells.push(text.slice(i, next));
      i = next + 1;
    }
    if (i >= text.length) {
      cells.push('');
      return { kind: 'cells', cells };
    }
  }
}

type CsvRecord = { raw: string; line: number; lastLine: number; end: number } & (
  { cells: string[] } | { problem: string }
);

/** The records of the file from byte `start`: cells or the reason a row cannot be read, with line numbers. */
async function* readCsvRecords(
  file: string,
  start: number,
  startLine: number,
  dialect: CsvDialect,
  label: string,
): AsyncGenerator<CsvRecord> {
  const source = readLines(file, start, startLine, dialect.encoding, label)[Symbol.asyncIterator]();
  const back: PhysicalLine[] = [];
  const next = async (): Promise<PhysicalLine | undefined> => {
    const again = back.shift();
    if (again !== undefined) return again;
    const item = await source.next();
    return item.done ? undefined : item.value;
  };
  try {
    for (;;) {
      const first = await next();
      if (first === undefined) return;
      if (first.text === '') continue;
      const taken = [first];
      let text = first.text;
      for (;;) {
        const split = splitCsvRecord(text, dialect.delimiter);
        const last = taken[taken.length - 1];
        const at = { raw: text, line: first.line, lastLine: last.line, end: last.end };
        if (split.kind === 'cells') {
          yield { ...at, cells: split.cells };
          break;
        }
        if (split.kind === 'problem' && taken.length === 1) {
          yield { ...at, problem: split.problem };
          break;
        }
        // a quote opened on the first line that never closes cleanly: that line alone is refused
        const more = split.kind === 'open' && taken.length < MAX_QUOTED_LINES ? await next() : undefined;
        if (more === undefined) {
          // an unclosed quote: only its own line is refused; the lines after it are read again as rows
          back.unshift(...taken.slice(1));
          yield {
            raw: first.text,
            line: first.line,
            lastLine: first.line,
            end: first.end,
            problem: 'a quoted cell is never closed (a quote inside a quoted cell must be doubled: "")',
          };
          break;
        }
        // a line break inside a quoted cell is kept as the file wrote it
        text = `${text}${last.eol}${more.text}`;
        taken.push(more);
      }
    }
  } finally {
    await source.return?.(undefined);
  }
}

/** Counts `delimiter` outside quotes in `text`. */
function countOutsideQuotes(text: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count += 1;
  }
  return count;
}

/**
 * The dialect of `file`: the encoding and delimiter given in the settings, else detected. The delimiter is the
 * candidate (`,` `;` tab `|`) found most often in the first non-empty line, outside quotes; a line with none of
 * them is one column, read with `fallback`.
 */
export async function csvDialect(
  file: string,
  given: { encoding?: Encoding; delimiter?: string },
  fallback: string,
  label: string,
): Promise<CsvDialect> {
  const encoding = await detectEncoding(file, given.encoding);
  if (given.delimiter !== undefined) return { encoding, delimiter: given.delimiter };
  for await (const { text } of readLines(file, 0, 0, encoding, label)) {
    if (text.trim() === '') continue;
    let best = fallback;
    let most = 0;
    for (const candidate of DELIMITERS) {
      const count = countOutsideQuotes(text, candidate);
      if (count > most) [best, most] = [candidate, count];
    }
    return { encoding, delimiter: best };
  }
  return { encoding, delimiter: fallback };
}

/** How a dialect is stated to people: `UTF-8 with BOM, delimiter ";"`. */
export function describeDialect(dialect: CsvDialect): string {
  const names: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
  const name = names[dialect.delimiter] ?? JSON.stringify(dialect.delimiter);
  return `${describeEncoding(dialect.encoding)}, delimiter ${name}`;
}

/** The header of a CSV file, or undefined for an empty file. Trailing empty column names are dropped. */
export async function readCsvHeader(file: string, dialect: CsvDialect, label: string): Promise<CsvHeader | undefined> {
  for await (const record of readCsvRecords(file, 0, 0, dialect, label)) {
    if ('problem' in record)
      throw new PermanentError(`${label} line ${record.line}: the header cannot be read: ${record.problem}`);
    const columns = record.cells.map((c) => c.trim());
    while (columns.length > 1 && columns[columns.length - 1] === '') columns.pop();
    const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
    if (repeated !== undefined) throw new PermanentError(`${label} header names column "${repeated}" more than once`);
    const empty = columns.findIndex((c) => c === '');
    if (empty !== -1) throw new PermanentError(`${label} header has an empty name for column ${empty + 1}`);
    return { columns, end: record.end, line: record.lastLine };
  }
  return undefined;
}

function rowProblem(cells: string[], columns: string[]): string | undefined {
  if (cells.length < columns.length)
    return `the row has ${cells.length} cell${cells.length === 1 ? '' : 's'}, the file has ${columns.length} columns (${columns.join(', ')})`;
  if (cells.slice(columns.length).some((c) => c !== ''))
    return `the row has ${cells.length} cells, the file has ${columns.length} columns (${columns.join(', ')})`;
  return undefined;
}

/**
 * Yields the rows of `file` from byte `start` (a record boundary), keyed by `columns`, each with the line it
 * starts on in LINE_FIELD; a row that cannot be read is yielded as rejected, with its line and raw text.
 */
export async function* readCsvRows(
  file: string,
  start: number,
  startLine: number,
  columns: string[],
  dialect: CsvDialect,
  label: string,
): AsyncGenerator<FileRow> {
  for await (const row of readCsvRecords(file, start, startLine, dialect, label)) {
    const problem = 'problem' in row ? row.problem : rowProblem(row.cells, columns);
    if (problem !== undefined) {
      yield {
        rejected: { reason: `${label} line ${row.line} cannot be read: ${problem}`, raw: row.raw, line: row.line },
        end: row.end,
        line: row.lastLine,
      };
      continue;
    }
    if (!('cells' in row) || row.cells.every((c) => c === '')) continue;
    const record: Record<string, unknown> = {};
    columns.forEach((column, i) => (record[column] = row.cells[i]));
    if (!(LINE_FIELD in record)) record[LINE_FIELD] = row.line;
    yield { record, end: row.end, line: row.lastLine };
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
