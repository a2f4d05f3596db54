import fs from 'node:fs';
import { PermanentError } from '../../../core/sdk';

/**
 * Text as people export it: the encoding of a file (UTF-8 with or without a byte-order mark, Windows-1251,
 * UTF-16 LE/BE as Excel writes it) and its physical lines, streamed from a byte offset. Every line knows its byte
 * range in the FILE (not in decoded text), so checkpoints stay exact whatever the encoding. Decoding uses the
 * platform's TextDecoder (WHATWG encodings), no extra dependency.
 */

export const ENCODINGS = ['utf-8', 'windows-1251', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface DetectedEncoding {
  encoding: Encoding;
  /** Bytes of the byte-order mark at the start of the file (0 when there is none). */
  bom: number;
}

const SAMPLE_BYTES = 64 * 1024;
/** A line longer than this is not a record but a broken file; refuse it instead of growing without bound. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

async function readSample(file: string, bytes = SAMPLE_BYTES): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function bomOf(sample: Buffer): DetectedEncoding | undefined {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return undefined;
}

/**
 * The encoding of `file`: the one set in the settings (its BOM, if any, skipped), else its byte-order mark, else
 * UTF-16 when every other byte of text is zero, else UTF-8 when the start of the file is valid UTF-8, else
 * Windows-1251 (the legacy Cyrillic code page Excel uses in Russian locales).
 */
export async function detectEncoding(file: string, given?: Encoding): Promise<DetectedEncoding> {
  const sample = await readSample(file);
  const bom = bomOf(sample);
  if (given !== undefined) return { encoding: given, bom: bom?.encoding === given ? bom.bom : 0 };
  if (bom !== undefined) return bom;
  if (sample.length >= 4) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i + 1 < sample.length; i += 2) {
      if (sample[i] === 0) evenZeros += 1;
      if (sample[i + 1] === 0) oddZeros += 1;
    }
    const pairs = Math.floor(sample.length / 2);
    if (oddZeros > pairs * 0.3 && evenZeros === 0) return { encoding: 'utf-16le', bom: 0 };
    if (evenZeros > pairs * 0.3 && oddZeros === 0) return { encoding: 'utf-16be', bom: 0 };
  }
  try {
    // stream: true tolerates a character cut at the end of the sample
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'windows-1251', bom: 0 };
  }
}

/** How the encoding is stated to people (run summary, logs). */
export function describeEncoding(detected: DetectedEncoding): string {
  const names: Record<Encoding, string> = {
    'utf-8': 'UTF-8',
    'windows-1251': 'Windows-1251',
    'utf-16le': 'UTF-16 LE',
    'utf-16be': 'UTF-16 BE',
  };
  return `${names[detected.encoding]}${detected.bom > 0 ? ' with BOM' : ''}`;
}

export interface PhysicalLine {
  /** Decoded text, without its line break (and without a trailing carriage return). */
  text: string;
  /** The line break that ended it as text (`\r\n`, `\n`, or '' for a last line without one). */
  eol: string;
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset just after the line break (where the next line starts). */
  end: number;
}

/** Index of the next line feed in `buffer` at or after `from`, for the encoding's code unit size and byte order. */
function nextNewline(buffer: Buffer, from: number, encoding: Encoding): number {
  if (encoding === 'utf-8' || encoding === 'windows-1251') return buffer.indexOf(0x0a, from);
  const le = encoding === 'utf-16le';
  for (let i = from; i + 1 < buffer.length; i += 2) {
    if (le ? buffer[i] === 0x0a && buffer[i + 1] === 0 : buffer[i] === 0 && buffer[i + 1] === 0x0a) return i;
  }
  return -1;
}

/**
 * Yields the physical lines of `file` from byte `start` (a line boundary, or 0), numbering them after
 * `startLine`. The byte-order mark (`bom` bytes at offset 0) is skipped.
 */
export async function* readLines(
  file: string,
  start: number,
  startLine: number,
  detected: DetectedEncoding,
  label: string,
): AsyncGenerator<PhysicalLine> {
  const { encoding } = detected;
  const unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  const from = Math.max(start, detected.bom);
  const stream = fs.createReadStream(file, { start: from, highWaterMark: 64 * 1024 });
  let pending: Buffer = Buffer.alloc(0);
  let offset = from; // file offset of pending[0]
  let line = startLine;
  const decode = (bytes: Buffer, newline: boolean) => {
    const text = decoder.decode(bytes);
    if (text.endsWith('\r')) return { text: text.slice(0, -1), eol: newline ? '\r\n' : '\r' };
    return { text, eol: newline ? '\n' : '' };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      for (let nl = nextNewline(pending, at, encoding); nl !== -1; nl = nextNewline(pending, at, encoding)) {
        line += 1;
        yield { ...decode(pending.subarray(at, nl), true), line, end: offset + nl + unit };
        at = nl + unit;
      }
      pending = pending.subarray(at);
      offset += at;
      if (pending.length > MAX_LINE_BYTES)
        throw new PermanentError(`${label} line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`);
    }
    if (pending.length > 0) {
      // the last line has no line break: still a line (most tools omit the final newline)
      line += 1;
      yield { ...decode(pending, false), line, end: offset + pending.length };
    }
  } finally {
    stream.destroy();
  }
}
