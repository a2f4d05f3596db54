import { Re2RegExp } from '../../../core/mapping/re2-regexp';
import { compileMapping } from '../../../core/mapping';

describe('Re2RegExp (JSONata RegexEngine)', () => {
  it('behaves like a global RegExp for exec/lastIndex', () => {
    const re = new Re2RegExp(/(\d+)-(x)?/g);
    const first = re.exec('ab 12- 34-x');
    expect(first && [...first]).toEqual(['12-', '12', undefined]);
    expect(first?.index).toBe(3);
    expect(re.lastIndex).toBe(6);
    const second = re.exec('ab 12- 34-x');
    expect(second && [...second]).toEqual(['34-x', '34', 'x']);
    expect(re.exec('ab 12- 34-x')).toBeNull();
    expect(re.lastIndex).toBe(0);
  });

  it('supports the i and m flags and reports UTF-16 indices', () => {
    expect(new Re2RegExp('привет', 'i').test('ПРИВЕТ')).toBe(true);
    expect(new Re2RegExp('^b', 'm').test('a\nb')).toBe(true);
    expect(new Re2RegExp('^b', '').test('a\nb')).toBe(false);
    expect(new Re2RegExp('b', 'g').exec('😀b')?.index).toBe(2);
  });

  it('rejects backreferences and lookaheads with regex.unsupported', () => {
    expect(() => new Re2RegExp('(a)\\1')).toThrow(expect.objectContaining({ code: 'regex.unsupported' }));
    expect(() => new Re2RegExp('a(?=b)')).toThrow(expect.objectContaining({ code: 'regex.unsupported' }));
  });

  it('drives JSONata’s $match, $replace, $split and $contains', async () => {
    const mapping = compileMapping({
      id: 're2-functions',
      expression: `{
        "m": $match("ab 12- 34-x", /(\\d+)-(x)?/).groups,
        "r": $replace("a.b.c", /\\./, "-"),
        "s": $split("a1b22c", /\\d+/),
        "c": $contains("Hello", /L+/i)
      }`,
    });
    await expect(mapping.evaluate({})).resolves.toEqual({
      ok: true,
      value: { m: ['12', null, '34', 'x'], r: 'a-b-c', s: ['a', 'b', 'c'], c: true },
    });
  });
});
