import jsonata from 'jsonata';
import { compileMapping, type MappingEngineOptions } from '../../../../core/mapping';
import { compileExpression, engineRunner } from '../../../../core/mapping/compiler';
import { resolveEngineOptions } from '../../../../core/mapping/guardrails';
import { beginEvaluation, endEvaluation } from '../../../../core/mapping/limits';
import { compiledAndInterpreted } from './helpers';

/**
 * An output array whose one member is a path ending in an object constructor (`[lines.{ … }]`, compiler/output.ts
 * `compileOutputStepArray`): its objects are built as output values and the array proven plain JSON when every one
 * is. Same results as the interpreter after the engine's copy, the copy skipped only when proven.
 */

const both = (expression: string, input: unknown, options?: MappingEngineOptions) =>
  compiledAndInterpreted('compiled-output-steps', expression, input, options);

/** Whether the compiled code proved the record's output plain JSON (the engine then skips its copy). */
async function proven(expression: string, input: unknown): Promise<boolean> {
  const options = resolveEngineOptions({});
  const runner = engineRunner(jsonata(expression), expression, options);
  await runner.ready;
  const evaluation = beginEvaluation();
  try {
    const runSync = runner.runSync as NonNullable<typeof runner.runSync>;
    // a record handed to the interpreter (a symbol) is not proven either
    return typeof runSync(input, evaluation) !== 'symbol' && evaluation.plainOutput === true;
  } finally {
    endEvaluation(evaluation);
  }
}

const record = {
  name: 'Ann',
  items: [
    { n: 1, tags: ['a'], sub: [{ m: 1 }, { m: 2 }] },
    { n: 2, tags: [], sub: { m: 3 } },
    { n: 3, sub: [] },
  ],
  one: { n: 7 },
  words: ['x', 'y'],
};

describe('output arrays of objects built by a path step', () => {
  it.each([
    ['every item', '{ "list": [items.{ "n": n, "s": $string(n) }] }'],
    ['a filtered path', '{ "list": [items[n > 1].{ "n": n } ] }'],
    ['one item (a singleton)', '{ "list": [items[n = 2].{ "n": n }] }'],
    ['no item', '{ "list": [items[n > 9].{ "n": n }], "k": 1 }'],
    ['a missing field', '{ "list": [missing.{ "n": n }] }'],
    ['an object, not an array', '{ "list": [one.{ "n": n }] }'],
    ['strings as the context', '{ "list": [words.{ "w": $ }] }'],
    ['a member from the input', '{ "list": [items.{ "tags": tags }] }'],
    ['a nested array of the same shape', '{ "list": [items.{ "n": n, "subs": [sub.{ "m": m }] }] }'],
    ['nested without objects', '{ "list": [items.{ "n": n, "subs": [sub[m > 9].{ "m": m }] }] }'],
    ['a literal object per item', '{ "list": [items.{ "a": 1 }] }'],
    ['a non-finite number', '{ "list": [items.{ "inf": n = 2 ? $number("1e400") : n }] }'],
    ['empty objects', '{ "list": [items.{ "a": missing }] }'],
    ['at the top', '[items.{ "n": n }]'],
    ['a deeper path', '{ "list": [items.sub.{ "m": m }] }'],
  ] as const)('%s: same result as the interpreter', async (_label, expression) => {
    expect(compileExpression(expression, 200).ok).toBe(true);
    const { compiled, interpreted } = await both(expression, record);
    expect(compiled).toEqual(interpreted);
    expect(JSON.stringify(compiled)).toBe(JSON.stringify(interpreted));
  });

  it('proves the array plain JSON only when every object is', async () => {
    expect(await proven('{ "list": [items.{ "n": n, "s": $string(n) }] }', record)).toBe(true);
    expect(await proven('{ "list": [items.{ "n": n, "subs": [sub.{ "m": m }] }] }', record)).toBe(true);
    expect(await proven('{ "list": [items[n > 9].{ "n": n }] }', record)).toBe(true);
    expect(await proven('{ "list": [items.{ "tags": tags }] }', record)).toBe(false);
    expect(
      await proven('{ "list": [items.{ "n": n, "subs": [sub.{ "m": m = 2 ? $number("1e400") : m }] }] }', record),
    ).toBe(false);
    expect(await proven('{ "list": [items.{ "inf": n = 2 ? $number("1e400") : n }] }', record)).toBe(false);
  });

  it('gives every record objects of its own', async () => {
    const mapping = compileMapping({ id: 'compiled-output-steps', version: 'own', expression: '[items.{ "n": n }]' });
    const [first, second] = await mapping.evaluatePage([record, record]);
    expect(first).toEqual(second);
    expect(first.ok && second.ok && first.value !== second.value).toBe(true);
  });

  it('fails at the output size limit exactly where the engine’s copy does', async () => {
    const big = { items: Array.from({ length: 50 }, (_, n) => ({ n, name: `item ${n}` })) };
    const expression = '{ "list": [items.{ "n": n, "name": name }] }';
    for (const maxOutputSize of [100, 400, 1000, 2000, 100000]) {
      const { compiled, interpreted } = await both(expression, big, { maxOutputSize });
      expect(compiled).toEqual(interpreted);
    }
  });
});
