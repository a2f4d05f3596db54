import jsonata from 'jsonata';
import { trimString } from '../../../../core/mapping/compiler/natives';
import { compiledAndInterpreted } from './helpers';

/** `$trim` of the compiled path (natives.ts `trimString`, one scan) against JSONata's own, on generated strings. */

const PIECES = [' ', '  ', '\t', '\n', '\r', '\r\n', 'a', 'bc', 'Ünï', '\u00a0', '\u2003', '😀', '-', ''];

function generated(count: number): string[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const parts = next() % 9;
    for (let p = 0; p < parts; p++) s += PIECES[next() % PIECES.length];
    out.push(s);
  }
  return out;
}

describe('$trim', () => {
  const trim = jsonata('$trim(s)');

  it('gives JSONata’s result on 5,000 generated strings of spaces, tabs, line breaks and other characters', async () => {
    for (const s of generated(5000)) {
      expect({ s, trimmed: trimString(s) }).toEqual({ s, trimmed: await trim.evaluate({ s }) });
    }
  });

  it('gives the interpreter’s result through a compiled mapping, inside and outside helper lambdas', async () => {
    const expression =
      '( $t := function($v) { $v ? $trim($string($v)) : "" }; $map(values, function($s) { [$trim($s), $t($s)] }) )';
    const { compiled, interpreted } = await compiledAndInterpreted('trim', expression, { values: generated(500) });
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(true);
  });
});

describe('$number of strings', () => {
  it('gives the interpreter’s result for short integers, their edges and everything around them', async () => {
    const values = [
      '0',
      '7',
      '007',
      '-0',
      '-12',
      '123456789012345',
      '1234567890123456',
      '99999999999999999999',
      '-',
      '',
      ' 1',
      '1 ',
      '1.5',
      '-1.50',
      '1e3',
      '1E-2',
      '0x1F',
      '١٢',
      '+1',
      '--1',
      '1-',
      'NaN',
      'Infinity',
    ];
    for (const v of values) {
      const pair = await compiledAndInterpreted('number-strings', '{ "n": $number(v) }', { v });
      expect({ v, result: pair.compiled }).toEqual({ v, result: pair.interpreted });
      expect(Object.is((pair.compiled as { value?: { n?: unknown } }).value?.n, -0)).toBe(
        Object.is((pair.interpreted as { value?: { n?: unknown } }).value?.n, -0),
      );
    }
  });
});
