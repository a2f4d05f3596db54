import { compileMapping, type MappingEngineOptions } from '../../../../core/mapping';
import { compileExpression } from '../../../../core/mapping/compiler';
import { compiledAndInterpreted } from './helpers';

/**
 * Outputs the compiled code builds as plain JSON (compiler/output.ts: constructors in output position, whose copy
 * the engine skips) are the interpreter's outputs after the engine's copy: same members, same order, same errors at
 * the output size limit, and never an object shared with the input or with another record.
 */

const both = (expression: string, input: unknown, options?: MappingEngineOptions) =>
  compiledAndInterpreted('compiled-output', expression, input, options);

const record = {
  name: 'Ann',
  n: 3,
  flag: true,
  none: null,
  address: { city: 'Omsk', lines: ['a', 'b'] },
  items: [{ n: 1 }, { n: 2 }],
  tags: ['x', 'y'],
};

describe('outputs built as plain JSON by compiled code', () => {
  it.each([
    ['fields of every JSON type', '{ "s": name, "n": n, "b": flag, "z": none, "u": missing }'],
    ['nested constructors', '{ "a": { "b": { "c": name, "d": n * 2 } }, "e": "lit" }'],
    ['an array constructor', '{ "tags": [name, "x", n], "r": [1..3], "flat": [tags, name], "nested": [[n]] }'],
    ['a condition', 'flag ? { "yes": name } : { "no": name }'],
    ['a condition without else', 'missing ? { "yes": name }'],
    ['a block with bindings', '( $x := name; { "x": $x, "inner": { "y": $x & "!" } } )'],
    ['an object and an array from the input', '{ "address": address, "items": items, "lines": address.lines }'],
    ['constructors over a path', 'items.{ "n": n, "name": $$.name }'],
    ['an array of objects', '[{ "a": 1 }, { "a": name }, { "b": items }]'],
    ['a literal object', '{ "a": { "b": 1 }, "c": [1, 2] }'],
    ['an empty object', '{ "a": missing }'],
    ['a key that names a prototype member', '{ "constructor": name, "toString": n, "hasOwnProperty": flag }'],
    ['a skip', 'flag ? $skip("not today") : { "a": 1 }'],
    ['a non-finite number', '{ "n": $number("1e400") }'],
  ] as const)('%s: same result as the interpreter', async (_label, expression) => {
    expect(compileExpression(expression, 200).ok).toBe(true);
    const { compiled, interpreted } = await both(expression, record);
    expect(compiled).toEqual(interpreted);
    expect(JSON.stringify(compiled)).toBe(JSON.stringify(interpreted)); // member order too
  });

  it('groups an object constructor over an array input as the interpreter does', async () => {
    const expression = '{ "names": name, "count": $count(name) }';
    const { compiled, interpreted } = await both(expression, [{ name: 'a' }, { name: 'b' }]);
    expect(compiled).toEqual({ ok: true, value: { names: ['a', 'b'], count: 2 } });
    expect(compiled).toEqual(interpreted);
  });

  it('never returns an object or array of the input itself', async () => {
    const input = structuredClone(record);
    const { compiled } = await both('{ "address": address, "tags": tags, "all": { "items": items } }', input);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const value = compiled.value as { address: unknown; tags: unknown; all: { items: unknown } };
    expect(value.address).toEqual(input.address);
    expect(value.address).not.toBe(input.address);
    expect(value.tags).not.toBe(input.tags);
    expect(value.all.items).not.toBe(input.items);
  });

  it('gives every record its own output object', async () => {
    const mapping = compileMapping({ id: 'compiled-output-fresh', expression: '{ "a": { "b": "c" }, "d": [1] }' });
    const [a, b] = await mapping.evaluatePage([{}, {}]);
    if (!a.ok || !b.ok) throw new Error('expected values');
    expect(a.value).toEqual(b.value);
    expect(a.value).not.toBe(b.value);
  });

  it('fails at the output size limit exactly where the engine’s copy does', async () => {
    const expression = '{ "s": name, "o": { "n": n, "t": [name, "xyz"], "b": flag, "z": none } }';
    // {"s":"Ann","o":{"n":3,"t":["Ann","xyz"],"b":true,"z":null}} as the copy counts it
    const size = 2 + (1 + 4) + 5 + (1 + 4) + 2 + (1 + 4) + 8 + (1 + 4) + (2 + 2 + 5 + 5) + (1 + 4) + 5 + (1 + 4) + 5;
    const fits = await both(expression, record, { maxOutputSize: size });
    expect(fits.compiled).toMatchObject({ ok: true });
    expect(fits.compiled).toEqual(fits.interpreted);
    const over = await both(expression, record, { maxOutputSize: size - 1 });
    expect(over.compiled).toMatchObject({ ok: false, error: { code: 'guardrail.output' } });
    expect(over.compiled).toEqual(over.interpreted);
  });
});
