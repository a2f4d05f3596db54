import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { PermanentError } from '../../core/sdk';

/**
 * Streaming readers for the files SendGrid hands out by URL. Export files are JSON: one object per line, or a JSON
 * array of objects; `jsonObjects` handles both with one small scanner that splits top-level objects without
 * holding the file, so a 100,000-contact export never sits in memory whole. Import error files are CSV (as the
 * "Download Detailed Error File" is) or JSON; `errorRows` reads either.
 */

/** Yields each top-level JSON object of an NDJSON file or of a JSON array, as it streams past. */
export async function* jsonObjects(source: Readable, what: string): AsyncGenerator<Record<string, unknown>> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let scanned = 0;
  const emit = (text: string): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new PermanentError(`the ${what} file holds malformed JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new PermanentError(`the ${what} file holds a JSON value that is not an object`);
    return value as Record<string, unknown>;
  };
  const feed = function* (chunk: string): Generator<Record<string, unknown>> {
    buffer += chunk;
    for (let i = scanned; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b) {
        if (depth === 0) start = i;
        depth++;
      } else if (c === 0x7d) {
        depth--;
        if (depth === 0) {
          yield emit(buffer.slice(start, i + 1));
          start = -1;
        }
      }
      // '[' ']' ',' and whitespace between top-level objects carry nothing
    }
    // keep only the object still open (sliced once per chunk, not once per object)
    if (depth === 0) {
      buffer = '';
      scanned = 0;
    } else {
      buffer = buffer.slice(start);
      start = 0;
      scanned = buffer.length;
    }
  };
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    yield* feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* feed(decoder.end());
  if (depth !== 0 || inString) throw new PermanentError(`the ${what} file ends inside a JSON object (truncated?)`);
}

export interface ErrorRow {
  email?: string;
  reason: string;
}

const EMAIL_KEYS = ['email', 'email_address', 'primary_email'];
const REASON_KEYS = ['error', 'errors', 'error_message', 'reason', 'message'];

function pick(row: Record<string, unknown>, keys: string[]): unknown {
  for (const [key, value] of Object.entries(row)) if (keys.includes(key.trim().toLowerCase())) return value;
  return undefined;
}

function toErrorRow(row: Record<string, unknown>): ErrorRow {
  const email = pick(row, EMAIL_KEYS);
  const reason = pick(row, REASON_KEYS);
  const text = Array.isArray(reason)
    ? reason.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('; ')
    : typeof reason === 'string' && reason !== ''
      ? reason
      : 'SendGrid rejected this contact (no reason given in the error file)';
  const out: ErrorRow = { reason: text };
  if (typeof email === 'string' && email.trim() !== '') out.email = email.trim().toLowerCase();
  return out;
}

/** Reads an import errors file (CSV with a header, NDJSON or a JSON array) into rows of email + reason. */
export async function* errorRows(source: Readable): AsyncGenerator<ErrorRow> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let text = '';
  while (text.trim() === '') {
    const next = await iterator.next();
    if (next.done) return;
    head.push(Buffer.from(next.value));
    text = Buffer.concat(head).toString('utf8');
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield Buffer.from(n.value);
  }
  const stream = Readable.from(replay());
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    for await (const row of jsonObjects(stream, 'import errors')) yield toErrorRow(row);
    return;
  }
  const parser = stream.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }));
  stream.on('error', (error) => parser.destroy(error));
  for await (const row of parser as AsyncIterable<Record<string, unknown>>) yield toErrorRow(row);
}
