import { RE2JS } from 're2js';
import { linearNativeTwin } from '../../../core/mapping/linear-regex';
import { Re2RegExp } from '../../../core/mapping/re2-regexp';
import { compileMapping } from '../../../core/mapping';
import { seededRandom as random } from '../../integration/helpers/random';

/** Every match of RE2 alone (no native twin), as [match, index] pairs and the lastIndex after each. */
function re2Matches(source: string, flags: string, text: string): unknown[] {
  const re = RE2JS.compile(RE2JS.translateRegExp(source), 0);
  const out: unknown[] = [];
  let start = 0;
  for (let k = 0; k < 20; k++) {
    const m = re.matcher(text);
    if (!m.find(start)) break;
    out.push([m.group(0), m.start()]);
    if (flags !== 'g') break;
    start = m.end() === m.start() ? m.end() + 1 : m.end();
    if (start > text.length) break;
  }
  return out;
}

/** The same through Re2RegExp, which uses the native twin where there is one. */
function engineMatches(source: string, flags: string, text: string): unknown[] {
  const re = new Re2RegExp(source, flags);
  const out: unknown[] = [];
  for (let k = 0; k < 20; k++) {
    const m = re.exec(text);
    if (m === null) break;
    out.push([m[0], m.index]);
    if (flags !== 'g') break;
    if (m[0] === '') re.lastIndex++;
    if (re.lastIndex > text.length) break;
  }
  return out;
}

const ATOMS = ['a', 'b', '0', '-', '\\.', '\\d', '\\w', '[0-9]', '[a-c]', '[A-Z_-]', '@', ' ', '\\+', '\\/'];
const QUANTIFIERS = ['', '', '', '*', '+', '?', '{2}', '{1,3}', '{2,}'];
const ALPHABET = [
  'a',
  'b',
  'c',
  '0',
  '1',
  '9',
  '-',
  '.',
  '_',
  'A',
  'Z',
  ' ',
  '@',
  '+',
  '/',
  'é',
  'ſ',
  'K',
  '😀',
  '\n',
  '\r',
  '\u2028',
  '\u00a0',
];

function pattern(rand: () => number): string {
  const parts: string[] = [];
  if (rand() < 0.6) parts.push('^');
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++)
    parts.push(ATOMS[Math.floor(rand() * ATOMS.length)] + QUANTIFIERS[Math.floor(rand() * QUANTIFIERS.length)]);
  if (rand() < 0.5) parts.push('$');
  return parts.join('');
}

function text(rand: () => number): string {
  const n = Math.floor(rand() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

describe('linear-time native twins of RE2 patterns', () => {
  it('takes the shapes mappings use and leaves everything else to RE2', () => {
    for (const p of [
      '^[0-9]+$',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^[A-Z]{2}$',
      'abc',
      '^gclid-[0-9a-f]+',
      '[0-9]{3}',
      '^\\+[0-9]*$',
    ])
      expect({ p, twin: linearNativeTwin(p, '') !== undefined }).toEqual({ p, twin: true });
    for (const p of [
      '^(a+)+$', // groups: the catastrophic shape
      'a|b', // alternation
      '[0-9]+$', // unbounded without ^: quadratic over start positions
      '^a+b+$', // two quantifiers
      '^a*?b', // lazy
      '^.+$', // dot: engines differ on \r and U+2028
      '^\\s+$', // \s: engines differ on Unicode spaces
      '^[^0-9]+', // negated class: surrogate halves
      '^é+', // non-ASCII literal
      '(a)\\1',
      '',
    ])
      expect({ p, twin: linearNativeTwin(p, '') !== undefined }).toEqual({ p, twin: false });
    expect(linearNativeTwin('^[0-9]+$', 'i')).toBeUndefined();
    expect(linearNativeTwin('^[0-9]+$', 'm')).toBeUndefined();
  });

  it('gives the matches and indices RE2 gives, on generated patterns and strings (non-ASCII, astral, line breaks)', () => {
    const rand = random(20261207);
    let twins = 0;
    for (let c = 0; c < 3000; c++) {
      const source = pattern(rand);
      const flags = rand() < 0.5 ? 'g' : '';
      if (!linearNativeTwin(source, flags)) continue;
      twins++;
      for (let t = 0; t < 8; t++) {
        const input = text(rand);
        expect({ source, flags, input, matches: engineMatches(source, flags, input) }).toEqual({
          source,
          flags,
          input,
          matches: re2Matches(source, flags, input),
        });
      }
    }
    expect(twins).toBeGreaterThan(500);
  });

  it('keeps a catastrophic pattern on RE2 through a mapping (it answers at once)', async () => {
    const mapping = compileMapping({
      id: 'twin-redos',
      expression: '{ "ok": $contains(s, /^(a+)+$/), "sku": $contains(k, /^[0-9]+$/) }',
    });
    await expect(mapping.evaluate({ s: `${'a'.repeat(5000)}!`, k: '12345' })).resolves.toEqual({
      ok: true,
      value: { ok: false, sku: true },
    });
  });
});
