import jsonata from 'jsonata';
import { compileMapping } from '../../../../core/mapping';
import { compiledMappingStats, useCompiledMappings } from '../../../../core/mapping/compiler';
import { validate } from '../../../../core/mapping/compiler/functions';
import { compiledAndInterpreted } from './helpers';

/**
 * Signature validation remembered per argument letters (compiler/functions.ts `validate`), including outcomes padded
 * with undefined for optional parameters not given, never an outcome that took a missing argument from the context;
 * and JSONata errors raised on the compiled path without a stack trace (compiler/index.ts), with
 * `Error.stackTraceLimit` restored afterwards. Results stay the interpreter's.
 */

interface RealSignature {
  definition: string;
  validate(args: unknown[], context: unknown): unknown[];
}

async function counted(name: string): Promise<{ signature: RealSignature; calls: () => number }> {
  const fn = (await jsonata(`$${name}`).evaluate({})) as { signature: RealSignature };
  let calls = 0;
  const signature: RealSignature = {
    definition: fn.signature.definition,
    validate(args, context) {
      calls++;
      return fn.signature.validate(args, context);
    },
  };
  return { signature, calls: () => calls };
}

const both = (expression: string, input: unknown) =>
  compiledAndInterpreted('compiled-signature-cache', expression, input);

describe('signature validation remembered per argument letters', () => {
  it('validates $string(x) once per letters, padded with undefined as JSONata pads it', async () => {
    const { signature, calls } = await counted('string');
    expect(validate(signature, ['abc'], {})).toEqual(['abc', undefined]);
    const again = validate(signature, ['def'], { other: true });
    expect(again).toEqual(['def', undefined]);
    expect(again).toHaveLength(2);
    expect(calls()).toBe(1);
    // other letters are validated afresh
    expect(validate(signature, [12], {})).toEqual([12, undefined]);
    expect(calls()).toBe(2);
  });

  it('never remembers an argument taken from the context', async () => {
    const { signature } = await counted('string');
    expect(validate(signature, [], 'first')).toEqual(['first', undefined]);
    expect(validate(signature, [], 'second')).toEqual(['second', undefined]);
    expect(validate(signature, [], 3)).toEqual([3, undefined]);
  });

  it('keeps an undefined context apart from a defined one', async () => {
    const { signature } = await counted('trim');
    const real = (await jsonata('$trim').evaluate({})) as { signature: RealSignature };
    let undefinedOutcome: unknown;
    try {
      undefinedOutcome = real.signature.validate([], undefined);
    } catch (err) {
      undefinedOutcome = (err as { code?: string }).code;
    }
    let ours: unknown;
    try {
      ours = validate(signature, [], undefined);
    } catch (err) {
      ours = (err as { code?: string }).code;
    }
    expect(ours).toEqual(undefinedOutcome);
    expect(validate(signature, [], ' x ')).toEqual([' x ']);
    expect(validate(signature, [], ' y ')).toEqual([' y ']);
  });

  it.each([
    ['[1, "a", true, null].$string()', {}],
    ['items.[$string(), $string(name), $string(name, true)]', { items: [{ name: 'a' }, { name: { b: 1 } }, {}] }],
    ['items.[$trim(), $uppercase(name)]', { items: ['  a ', ' b', { name: 'x' }] }],
    ['[$string(a), $string(b), $string(a), $string(c)]', { a: 'x', b: 2, c: { d: [1] } }],
    ['items.$substringAfter("a-b")', { items: ['-', 'b', 'x'] }],
  ])('%s: compiled = interpreter', async (expression, input) => {
    const { compiled, interpreted } = await both(expression, input);
    expect(compiled).toEqual(interpreted);
  });
});

describe('errors on the compiled path', () => {
  it('fail as on the interpreter and leave Error.stackTraceLimit as it was', async () => {
    const limit = Error.stackTraceLimit;
    const before = compiledMappingStats();
    for (const expression of [
      'a = 1 ? $error("stop: " & b) : "go"',
      '{ "n": $number(x) }',
      '{ "p": $number(p), "q": $number(q) }',
    ]) {
      const { compiled, interpreted } = await both(expression, { a: 1, b: 'why', x: 'nope', p: 'x', q: 'y' });
      expect(compiled).toEqual(interpreted);
      expect(compiled.ok).toBe(false);
      expect(Error.stackTraceLimit).toBe(limit);
    }
    expect(compiledMappingStats().compiled).toBeGreaterThan(before.compiled);
  });
});

describe('records handed to the interpreter in a page', () => {
  it('fail with the interpreter’s errors and leave Error.stackTraceLimit as it was', async () => {
    const limit = Error.stackTraceLimit;
    const expression = '{ "p": $number(p), "q": $number(q), "s": $string(p) }';
    const records = [
      { p: '1', q: '2' },
      { p: 'x', q: 'y' },
      { p: '3', q: 'z' },
    ];
    const before = compiledMappingStats().handedToInterpreter;
    const compiled = await compileMapping({ id: 'compiled-page-rerun', version: 'c', expression }).evaluatePage(
      records,
    );
    expect(compiledMappingStats().handedToInterpreter).toBeGreaterThan(before);
    expect(Error.stackTraceLimit).toBe(limit);
    useCompiledMappings(false);
    try {
      const interpreted = await compileMapping({ id: 'compiled-page-rerun', version: 'i', expression }).evaluatePage(
        records,
      );
      expect(compiled).toEqual(interpreted);
    } finally {
      useCompiledMappings(true);
    }
    expect(compiled.map((r) => r.ok)).toEqual([true, false, false]);
  });
});
