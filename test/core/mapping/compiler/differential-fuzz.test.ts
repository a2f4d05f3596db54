import jsonata from 'jsonata';
import { trimString } from '../../../../core/mapping/compiler/natives';
import { getCompiledExpression } from '../../../../core/mapping/expression-cache';
import { resolveEngineOptions } from '../../../../core/mapping/guardrails';
import { beginEvaluation, endEvaluation } from '../../../../core/mapping/limits';
import { linearNativeTwin } from '../../../../core/mapping/linear-regex';
import { compileRe2, Re2RegExp } from '../../../../core/mapping/re2-regexp';
import { canonical, compiledAndInterpreted, errorCode, runCompiled } from './helpers';
import { random, Gen, STRINGS, record, TWIN_REGEXES, ExpressionGen } from './fuzz-expressions';

/**
 * Differential fuzzing of the compiled path against the interpreter around the newest fast paths: pure lambdas as
 * generated functions (pure-lambda.ts) called from paths, other lambdas, `$map` and `~>`; the direct natives
 * (natives.ts DIRECT, trimString, shortInteger); `$contains(x, /regex/)` per call site (contains-regex.ts); and
 * regexes with and without a native twin (linear-regex.ts) in `$match`/`$replace`/`$split`. Expressions and inputs
 * come from a seeded generator (the same cases every run); every case's compiled result must equal the
 * interpreter's, through the engine and, with evaluation bindings, side by side on the compiled code alone.
 */

/** The interpreter as the engine configures it, with evaluation bindings. */
async function interpret(text: string, input: unknown, bindings: Record<string, unknown>): Promise<Outcome> {
  const { expression } = getCompiledExpression('fuzz', undefined, text, resolveEngineOptions());
  const evaluation = beginEvaluation();
  try {
    return { kind: 'value', value: canonical(await expression.evaluate(input, bindings)) };
  } catch (err) {
    return { kind: 'error', code: errorCode(err) };
  } finally {
    endEvaluation(evaluation);
  }
}

type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; code: string; exact: boolean }
  | { kind: 'error'; code: string }
  | { kind: 'rerun' }
  | { kind: 'declined' };

/** The compiled code alone with evaluation bindings: a value, an error (exact or not), a hand-over, or declined. */
async function compiledOnly(text: string, input: unknown, bindings: Record<string, unknown>): Promise<Outcome> {
  const outcome = await runCompiled(text, input, bindings);
  if (outcome === undefined) return { kind: 'declined' };
  if (outcome.kind === 'rerun') return { kind: 'rerun' };
  if (outcome.kind === 'value') return { kind: 'value', value: canonical(outcome.value) };
  return { kind: 'error', code: outcome.code, exact: outcome.exact === true };
}

/** A comparable text of a result: sequences as arrays, key order ignored, -0 told from 0 (as toEqual does). */
function show(value: unknown): string {
  return JSON.stringify(canonical(value), (_key, v: unknown) => (Object.is(v, -0) ? '<-0>' : v)) ?? '<undefined>';
}

/** What a JavaScript function bound for a test makes of its argument (a function's source text is not compared). */
function plainText(x: unknown): string {
  return typeof x === 'function' ? '<function>' : String(x);
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const PROGRAMS = Number(process.env.FUZZ_PROGRAMS ?? 260);
const INPUTS_PER_PROGRAM = 3;

describe('the compiled path against the interpreter on generated expressions', () => {
  it('gives the interpreter’s result for every generated expression and input (through the engine)', async () => {
    const g = new Gen(random(SEED));
    const gen = new ExpressionGen(g);
    const failures: string[] = [];
    let handedOver = 0;
    let values = 0;
    for (let p = 0; p < PROGRAMS; p++) {
      const text = gen.program();
      for (let k = 0; k < INPUTS_PER_PROGRAM; k++) {
        const input = k === 2 && g.chance(0.3) ? [record(g)] : record(g);
        const pair = await compiledAndInterpreted(`fuzz-${p}`, text, input);
        handedOver += pair.handedOver;
        if (pair.interpreted.ok) values++;
        const a = show(pair.compiled);
        const b = show(pair.interpreted);
        // a CPU-time limit stops each side wherever it happens to be: not a difference in results
        if (a !== b && !a.includes('guardrail.timeout')) {
          failures.push(
            `${text}\n  input ${JSON.stringify(input)}\n  compiled ${a.slice(0, 300)}\n  interpreter ${b.slice(0, 300)}`,
          );
        }
      }
    }
    console.info(
      `differential fuzz (engine): ${PROGRAMS * INPUTS_PER_PROGRAM} evaluations, ${values} values, ${handedOver} handed over`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(values).toBeGreaterThan(PROGRAMS * INPUTS_PER_PROGRAM * 0.2);
  });

  it('gives the interpreter’s result with evaluation bindings (the compiled code alone)', async () => {
    const g = new Gen(random(SEED + 1));
    const gen = new ExpressionGen(g);
    const failures: string[] = [];
    let compared = 0;
    const BINDINGS: Record<string, unknown>[] = [
      { k: ' B  b ' },
      { other: 1 },
      { s: 'bound', k: 5 },
      // bindings that shadow built-ins the fast paths call
      { trim: (x: unknown) => `T${plainText(x)}` },
      { string: (x: unknown) => `S${plainText(x)}`, k: 'k' },
      { contains: () => true },
      { uppercase: (x: unknown) => x },
    ];
    for (let p = 0; p < PROGRAMS / 2; p++) {
      const text = gen.program();
      const input = record(g);
      const bindings = g.pick(BINDINGS);
      const compiled = await compiledOnly(text, input, bindings);
      if (compiled.kind === 'declined' || compiled.kind === 'rerun') continue;
      // an error not marked exact hands the record to the interpreter, which gives the result
      if (compiled.kind === 'error' && !('exact' in compiled && compiled.exact)) continue;
      const reference = await interpret(text, input, bindings);
      compared++;
      const same =
        compiled.kind === 'value'
          ? reference.kind === 'value' && show(compiled.value) === show(reference.value)
          : reference.kind === 'error' && reference.code === (compiled as { code: string }).code;
      if (!same) {
        failures.push(
          `${text}\n  input ${JSON.stringify(input)} bindings ${JSON.stringify(bindings)}\n  compiled ${JSON.stringify(compiled).slice(0, 300)}\n  interpreter ${JSON.stringify(reference).slice(0, 300)}`,
        );
      }
    }
    console.info(`differential fuzz (bindings): ${compared} of ${PROGRAMS / 2} compared on the compiled code alone`);
    // most generated expressions compile and give a value or an exact error: the comparison is not vacuous
    expect(compared).toBeGreaterThan(PROGRAMS / 8);
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe('cases the fuzzing found', () => {
  // A pure lambda (purity.ts) remembered its last call by argument alone (functions.ts CompiledLambda.invoke), but a
  // built-in called in its tail position takes a missing first argument from the caller's input: the
  // same argument from another item gave the first item's result.
  it.each([
    ['( $f := function($v) { -$v = -1 ? $string() : "n" }; items.$f(1) )'],
    ['( $f := function($v) { [$v] = [1] ? $trim() : "n" }; items.s.$f(1) )'],
  ])('a remembered pure lambda call is per caller input: %s', async (expression) => {
    const input = { items: [{ s: ' a  b ' }, { s: 'c' }, { s: 'c' }] };
    const { compiled, interpreted } = await compiledAndInterpreted('fuzz-found', expression, input);
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(true);
  });
});

/** re2js alone (Re2RegExp without its native twin), as JSONata's RegexEngine. */
class Re2Only {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  constructor(pattern: RegExp) {
    this.source = pattern.source;
    this.flags = pattern.flags;
    this.global = this.flags.includes('g');
  }
  exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const start = this.global ? this.lastIndex : 0;
    if (start > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = compileRe2(this.source, this.flags).matcher(text);
    if (!matcher.find(start)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    if (this.global) this.lastIndex = matcher.end();
    return Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray;
  }
}

async function withEngine(engine: unknown, text: string, input: unknown): Promise<unknown> {
  try {
    const expression = jsonata(text, { RegexEngine: engine as RegExpConstructor } as unknown as undefined);
    return canonical(await expression.evaluate(input));
  } catch (err) {
    return `error ${errorCode(err)}`;
  }
}

describe('Re2RegExp with a native twin against re2js alone', () => {
  it('iterates $split/$replace/$match (with limits) as re2js does, for every twin pattern', async () => {
    const g = new Gen(random(SEED + 2));
    const failures: string[] = [];
    for (const regex of TWIN_REGEXES) {
      const source = regex.slice(1, regex.lastIndexOf('/'));
      expect([regex, linearNativeTwin(source, 'g') !== undefined]).toEqual([regex, true]);
      for (let k = 0; k < 12; k++) {
        const s =
          k < 4
            ? g.pick(STRINGS)
            : g.pick([
                'a1b22c333',
                'aaa',
                'AB-CD',
                '12-34',
                '',
                'x.y.z',
                'ab abb',
                '123456789',
                '\ud800x\udc00-1',
                '😀12\ud80034',
              ]);
        const limit = g.int(4);
        for (const text of [
          `$split(s, ${regex})`,
          `$split(s, ${regex}, ${limit})`,
          `$replace(s, ${regex}, "<$0>")`,
          `$replace(s, ${regex}, "#", ${limit})`,
          `$match(s, ${regex})`,
          `$match(s, ${regex}, ${limit})`,
          `$contains(s, ${regex})`,
        ]) {
          const twin = await withEngine(Re2RegExp, text, { s });
          const re2 = await withEngine(Re2Only, text, { s });
          if (JSON.stringify(twin) !== JSON.stringify(re2))
            failures.push(`${text} on ${JSON.stringify(s)}: ${JSON.stringify(twin)} vs ${JSON.stringify(re2)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('trimString (natives.ts) against JSONata’s $trim', () => {
  it('gives the same string for generated whitespace mixes', () => {
    const g = new Gen(random(SEED + 3));
    const reference = (str: string) => {
      let result = str.replace(/[ \t\n\r]+/gm, ' ');
      if (result.charAt(0) === ' ') result = result.substring(1);
      if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
      return result;
    };
    const pieces = [' ', '  ', '\t', '\n', '\r', '\r\n', 'a', 'bc', '😀', '\u00a0', '\u2028', '\f', '\v'];
    for (let k = 0; k < 3000; k++) {
      const str = Array.from({ length: g.int(8) }, () => g.pick(pieces)).join('');
      expect([str, trimString(str)]).toEqual([str, reference(str)]);
    }
  });
});
