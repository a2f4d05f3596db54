import fs from 'node:fs';
import { PermanentError } from '../../../core/sdk';
import { findUnserialisable, isPlainObject, type FileRow, type Serialised } from './values';

/**
 * NDJSON, one JSON object per line, streamed: the file is read in 64 KiB chunks from a byte offset and split on
 * newline bytes, so only the current line is ever held in memory and every record knows the exact byte offset
 * after it (where a later read resumes).
 */

/** A line longer than this is not a record but a broken file; refuse it instead of growing without bound. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** A line as a record, undefined for a blank line, or why it is not one (the row becomes a dead letter). */
function parseLine(bytes: Buffer, line: number, label: string, end: number): FileRow | undefined {
  let text = bytes.toString('utf8');
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.trim() === '') return undefined;
  const reject = (why: string): FileRow => ({
    rejected: { reason: `${label} line ${line} ${why}`, raw: text, line },
    end,
    line,
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(`is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(value)) return reject('is not a JSON object');
  return { record: value, end, line };
}

/**
 * Yields the records of `file` from byte `start` (a line boundary). `startLine` is the number of lines before
 * `start`; `label` names the file in errors.
 */
export async function* readNdjsonRows(
  file: string,
  start: number,
  startLine: number,
  label: string,
): AsyncGenerator<FileRow> {
  const stream = fs.createReadStream(file, { start, highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = start;
  let line = startLine;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, nl);
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
        offset += bytes.length + 1;
        line += 1;
        const row = parseLine(bytes, line, label, offset);
        if (row !== undefined) yield row;
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
        if (pendingBytes > MAX_LINE_BYTES)
          throw new PermanentError(`${label} line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`);
      }
    }
    if (pendingBytes > 0) {
      // the last line has no newline: still a record (most tools omit the final newline)
      const bytes = Buffer.concat(pending);
      offset += bytes.length;
      line += 1;
      const row = parseLine(bytes, line, label, offset);
      if (row !== undefined) yield row;
    }
  } finally {
    stream.destroy();
  }
}

/** One record as one NDJSON line (with its newline), or why it cannot be written. */
export function ndjsonLine(record: unknown): Serialised {
  if (!isPlainObject(record)) return { ok: false, reason: 'the record is not a JSON object' };
  const bad = findUnserialisable(record);
  if (bad !== undefined) return { ok: false, field: bad.field, reason: `field "${bad.field}" ${bad.reason}` };
  return { ok: true, text: `${JSON.stringify(record)}\n` };
}
