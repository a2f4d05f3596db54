import fs from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import type { AstNode } from '../../../../core/mapping/compiler/analyse';
import type { Compiler } from '../../../../core/mapping/compiler/compile';
import { fastPureBody } from '../../../../core/mapping/compiler/pure-lambda';
import { dependsOnlyOn } from '../../../../core/mapping/compiler/purity';
import { compiledAndInterpreted, runCompiled } from './helpers';

/**
 * Pure lambdas whose body is generated as one JavaScript function (compiler/pure-lambda.ts), the `$contains(x,
 * /regex/)` call site (compiler/contains-regex.ts) and the direct one-argument natives (natives.ts DIRECT): the same
 * results as the interpreter for every kind of argument, and the shipped mappings' helpers are generated.
 */

const compiler = { runtime: () => ({}), bound: new Set<string>(), nested: 0, concurrent: 0 } as unknown as Compiler;

/** The lambdas bound by name in an expression: `$name := function(...) { ... }`. */
function helpers(node: unknown, found: { name: string; lambda: AstNode }[] = []): { name: string; lambda: AstNode }[] {
  if (Array.isArray(node)) node.forEach((child) => helpers(child, found));
  else if (typeof node === 'object' && node !== null) {
    const n = node as AstNode;
    const rhs = n.rhs as AstNode | undefined;
    if (n.type === 'bind' && rhs?.type === 'lambda' && !rhs.thunk) {
      found.push({ name: String((n.lhs as AstNode).value), lambda: rhs });
    }
    for (const [key, child] of Object.entries(n)) if (key !== 'value' && key !== 'signature') helpers(child, found);
  }
  return found;
}

/** Every kind of argument: trimmed or not, long (the guardrails' accounting), numbers, other types, nothing. */
const VALUES: unknown[] = [
  'Ann',
  ' Ann  Lee ',
  '\tTabbed\n',
  '',
  ' ',
  'İSTANBUL',
  'x'.repeat(1023),
  ` ${'y'.repeat(1030)} `,
  0,
  7,
  -2.5,
  0.1 + 0.2,
  1e21,
  true,
  false,
  null,
  ['a', ' b '],
  [],
  { k: 'v' },
];

const BODIES = [
  '$v ? $trim($string($v)) : ""',
  '$trim($v)',
  '$string($v)',
  '$lowercase($v)',
  '$uppercase($trim($v))',
  '$v = "Ann" ? "yes" : "no"',
  '$v != "" ? $v : "empty"',
  '$string($v) & "!"',
  '$exists($v) ? $count($v) : -1',
  '$contains($string($v), "n")',
];

describe('generated pure lambda bodies', () => {
  it('generates the shipped mappings’ $text helper wherever it is defined', () => {
    const root = path.join(__dirname, '../../../../mappings');
    const generated: string[] = [];
    for (const id of fs.readdirSync(root)) {
      const file = path.join(root, id, 'expression.jsonata');
      if (!fs.existsSync(file)) continue;
      for (const { name, lambda } of helpers(jsonata(fs.readFileSync(file, 'utf8')).ast())) {
        const params = (lambda.arguments ?? []).map((p) => String(p.value));
        if (name !== 'text') continue;
        expect(dependsOnlyOn(lambda.body, params[0], new Set())).toBe(true);
        expect({ id, generated: fastPureBody(lambda.body as AstNode, params[0], compiler) !== undefined }).toEqual({
          id,
          generated: true,
        });
        generated.push(id);
      }
    }
    expect(generated).toEqual(expect.arrayContaining(['hubspot-deal-to-odoo-order', 'odoo-order-to-meta-purchase']));
  });

  it('leaves bodies outside the subset to the closure tree', () => {
    for (const body of ['$v.name', '$v * 2', '{ "v": $v }', '[$v]', '-$v']) {
      const lambda = jsonata(`function($v) { ${body} }`).ast() as unknown as AstNode;
      expect({ body, generated: fastPureBody(lambda.body as AstNode, 'v', compiler) !== undefined }).toEqual({
        body,
        generated: false,
      });
    }
  });

  it.each(BODIES)('function($v) { %s }: the interpreter’s result for every kind of argument', async (body) => {
    const expression = `( $f := function($v) { ${body} }; $map(values, function($x) { { "r": $f($x) } }) ~> $append([$f(values[0]), $f(missing), $f(values[1])]) )`;
    const { compiled, interpreted } = await compiledAndInterpreted('pure-lambda', expression, { values: VALUES });
    expect(compiled).toEqual(interpreted);
    // one argument at a time too: an error for one kind must not hide another's result
    for (const value of VALUES) {
      const single = `( $f := function($v) { ${body} }; { "r": $f(value), "again": $f(value) } )`;
      const pair = await compiledAndInterpreted('pure-lambda-one', single, { value });
      expect({ value, result: pair.compiled }).toEqual({ value, result: pair.interpreted });
    }
  });

  it('calls the generated body directly and still counts a step per call, with bindings the general path', async () => {
    const expression = '( $t := function($v) { $v ? $trim($string($v)) : "" }; [$t(a), $t(b), $t(c)] )';
    await expect(runCompiled(expression, { a: ' x ', b: 5, c: null })).resolves.toEqual({
      kind: 'value',
      value: ['x', '5', ''],
    });
    // evaluation bindings could rebind what the body calls: the closure tree runs, with the same result
    await expect(runCompiled(expression, { a: ' x ', b: 5, c: null }, { other: 1 })).resolves.toEqual({
      kind: 'value',
      value: ['x', '5', ''],
    });
  });
});

describe('$contains(value, /regex/) at its call site', () => {
  it.each([
    ['$contains(v, /^[0-9]+$/)'],
    ['$contains(v, /n/)'],
    ['$contains(v, /^(a+)+$/)'],
    ['$contains(v, /N/i)'],
    ['$contains(v, /x/) and $contains(v, /x/)'],
  ])('%s: the interpreter’s result for every kind of value', async (test) => {
    for (const v of [...VALUES, '123', '12a', 'aaaa', 'xx']) {
      const pair = await compiledAndInterpreted('contains-regex', `{ "r": ${test} }`, { v });
      expect({ v, result: pair.compiled }).toEqual({ v, result: pair.interpreted });
    }
    const missing = await compiledAndInterpreted('contains-regex', `{ "r": ${test} }`, {});
    expect(missing.compiled).toEqual(missing.interpreted);
  });
});
