import { compiledMappingStats } from '../../../../core/mapping/compiler';
import { compiledAndInterpreted } from './helpers';

/** `$string` of a number on the compiled path (compiler/natives.ts `string`) is JSONata's text of it. */

const both = (expression: string, input: unknown) =>
  compiledAndInterpreted('compiled-native-string', expression, input);

describe('$string of numbers on the compiled path', () => {
  const numbers = [
    0,
    -0,
    1,
    -2.5,
    0.1 + 0.2,
    1 / 3,
    2 / 3,
    1e21,
    1.5e-7,
    123456789.12345679,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -1e-300,
    99.99999999999999,
    0.000001,
  ];
  it.each(numbers.map((n) => [String(n), n]))('%s', async (_label, n) => {
    const before = compiledMappingStats().handedToInterpreter;
    const { compiled, interpreted } = await both('{ "s": $string(n), "t": $string(n, true), "u": $string(v) }', {
      n,
      v: [n],
    });
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(true);
    expect(compiledMappingStats().handedToInterpreter).toBe(before);
  });

  it('fails on a number that is not finite as the interpreter does', async () => {
    const { compiled, interpreted } = await both('{ "s": $string(1 / 0) }', {});
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(false);
  });
});
