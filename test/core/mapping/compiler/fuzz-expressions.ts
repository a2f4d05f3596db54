/**
 * The seeded generator of differential-fuzz.test.ts: values and records of every kind, regexes with and without a
 * native twin, and JSONata expressions around the compiled path's fast paths (helper lambdas, direct natives,
 * `$contains` with regexes, shadowed built-ins, recursion, `~>` chains, tail calls).
 */
/** mulberry32: a small seeded generator, so every run makes the same cases */
export { seededRandom as random } from '../../../integration/helpers/random';

export class Gen {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const LONG = 'ab '.repeat(400); // 1200 characters: the guardrails' accounted sizes
export const STRINGS = [
  '',
  ' ',
  'Ann',
  ' Ann  Lee ',
  '\tTabbed\nline\r',
  'a\t\tb  c\n',
  'ABC',
  'abc123',
  '123',
  '-0',
  '0012',
  '-42',
  '999999999999999',
  '9999999999999999',
  '1e21',
  '12.50',
  '1e400',
  '+5',
  '-000000000000000',
  '0000000000000001',
  '1.',
  '.5',
  '1e-7',
  '-',
  ' 12',
  '0x1F',
  'NaN',
  'Infinity',
  'x😀y😀',
  '😀',
  'İSTANBUL',
  'straße',
  'ſK',
  'a\u2028b',
  'aaa',
  'ab-cd.ef',
  'SKU-0042',
  'foo bar baz',
  'x'.repeat(1023),
  LONG,
];
export const NUMBERS = [0, -0, 1, -7, 3.14159, 0.1 + 0.2, 1e21, 123456789012345680, 2.5e-7, 1024];
export const SCALARS: unknown[] = [...STRINGS, ...NUMBERS, true, false, null];

export function value(g: Gen, depth = 0): unknown {
  const r = g.int(10);
  if (depth < 2 && r === 0) return Array.from({ length: g.int(3) }, () => value(g, depth + 1));
  if (depth < 2 && r === 1) return [value(g, depth + 1)];
  if (depth < 2 && r === 2) return { s: value(g, depth + 1), n: g.pick(NUMBERS) };
  return g.pick(SCALARS);
}

export function record(g: Gen): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, make: () => unknown) => {
    if (!g.chance(0.15)) out[key] = make();
  };
  put('s', () => g.pick(STRINGS));
  put('t', () => value(g));
  put('n', () => g.pick(NUMBERS));
  put('b', () => g.chance(0.5));
  put('z', () => null);
  put('arr', () => Array.from({ length: g.int(4) }, () => g.pick(SCALARS)));
  put('o', () => ({ s: g.pick(STRINGS), t: value(g) }));
  put('items', () => Array.from({ length: g.int(4) }, () => ({ s: g.pick(STRINGS), q: value(g) })));
  return out;
}

/** regexes with a native twin (linear-regex.ts) and without; some match the empty string */
export const TWIN_REGEXES = [
  '/^[0-9]+$/',
  '/[a-z]/',
  '/\\d{3}/',
  '/^\\w+/',
  '/a?/',
  '/x/',
  '/[A-Z]{2}/',
  '/-/',
  '/^ab*/',
  '/\\./',
  '/[0-9]/',
  '/ /',
];
export const OTHER_REGEXES = [
  '/(a)(b)?/',
  '/a|b/',
  '/\\s+/',
  '/[^a-z]/',
  '/./',
  '/^(\\w+)\\s(\\w+)$/',
  '/A/i',
  '/ann/i',
  '/^b/m',
  '/$/m',
  '/^/m',
  '/x*/',
  '/^$/',
  '/😀/',
  '/(?:ab)+/',
  '/\\bx/',
  '/[a-z]+/i',
  '/(\\d)(\\d)?/',
  '/\\s/',
  '/ß/i',
  '/s/i',
  '/^-?[0-9]{1,15}$/',
];
export const REGEXES = [...TWIN_REGEXES, ...OTHER_REGEXES];
export const BUILT_INS_1 = [
  'string',
  'trim',
  'lowercase',
  'uppercase',
  'number',
  'length',
  'boolean',
  'not',
  'exists',
  'type',
];
export const SHADOWS = ['string', 'trim', 'lowercase', 'uppercase', 'contains', 'number'];

export interface Scope {
  /** variables holding values */
  vars: string[];
  /** helper lambdas: name and parameter count */
  helpers: { name: string; params: number }[];
}

export class ExpressionGen {
  constructor(readonly g: Gen) {}

  regex(): string {
    return this.g.pick(REGEXES);
  }

  leaf(scope: Scope): string {
    const g = this.g;
    const r = g.int(10);
    if (r < 4 && scope.vars.length > 0) return `$${g.pick(scope.vars)}`;
    if (r < 7)
      return g.pick(['s', 't', 'n', 'b', 'z', 'arr', 'o.s', 'o.t', 'items.s', 'items[0].q', 'missing', 'arr[0]']);
    return g.pick([
      '"x"',
      '" a  b "',
      '""',
      '3',
      '-0',
      '1e21',
      'true',
      'false',
      'null',
      '"12"',
      '"AbC"',
      '[]',
      '["q"]',
    ]);
  }

  call(name: string, args: string[]): string {
    return `$${name}(${args.join(', ')})`;
  }

  helperCall(scope: Scope, depth: number): string {
    const g = this.g;
    const h = g.pick(scope.helpers);
    const arg = () => this.expr(scope, depth + 1);
    const count = g.chance(0.75) ? h.params : g.int(3);
    const args = Array.from({ length: count }, arg);
    switch (g.int(13)) {
      case 0:
        return `$map(${this.g.pick(['arr', 'items.s', '[s, t]', 'o.t', '$append(arr, [1])'])}, $${h.name})`;
      case 1:
        return `${arg()} ~> $${h.name}`;
      case 2:
        return `${arg()} ~> $${g.pick(['string', 'trim', 'uppercase'])}()`;
      case 4:
        return `$map(${this.g.pick(['arr', 'items.s'])}, function($e) { $${h.name}($e) })`;
      case 5:
        return `$${h.name}($${h.name}(${arg()}))`;
      case 6: {
        const other = g.pick(scope.helpers);
        return `${arg()} ~> $${h.name} ~> $${other.name}`;
      }
      case 3:
        return g.chance(0.5) ? `items.$${h.name}(s)` : `items.$${h.name}(${g.pick(['1', '"k"', 'null'])})`;
      case 7:
        return g.chance(0.5) && count === 1 ? `$${h.name}(${args[0]})` : this.call(h.name, args);
      case 8:
        // a helper as the replacer: called with the match object (match, start, end, groups, next)
        return `$replace(${this.text(scope, depth)}, ${this.regex()}, function($m) { $string($${h.name}($m.match)) })`;
      case 9:
        return `$map($match(${this.text(scope, depth)}, ${this.regex()}, ${g.int(4)}), function($m) { $${h.name}($m.match) })`;
      default:
        return this.call(h.name, args);
    }
  }

  /** mostly a string: what the string functions take (other types still show their errors now and then) */
  text(scope: Scope, depth: number): string {
    const g = this.g;
    const r = g.int(10);
    if (r < 3) return g.pick(['s', 'o.s', 'items[0].s', '$string(t)', '"Ann Lee"', '" x😀 "']);
    if (r < 8) return `$string(${this.expr(scope, depth + 1)})`;
    return this.expr(scope, depth + 1);
  }

  expr(scope: Scope, depth: number): string {
    const g = this.g;
    if (depth > 3) return this.leaf(scope);
    const sub = () => this.expr(scope, depth + 1);
    const str = () => this.text(scope, depth);
    const r = g.int(22);
    switch (r) {
      case 0:
      case 1:
        return this.leaf(scope);
      case 2:
      case 3:
        return this.call(g.pick(BUILT_INS_1), [g.chance(0.6) ? str() : sub()]);
      case 4:
        return `$contains(${str()}, ${this.regex()})`;
      case 5:
        return `$contains(${str()}, ${g.pick(['"a"', '""', '" "', '"😀"'])})`;
      case 6:
        return g.chance(0.5) ? `$match(${str()}, ${this.regex()})` : `$match(${str()}, ${this.regex()}, ${g.int(3)})`;
      case 7:
        return `$replace(${str()}, ${this.regex()}, ${g.pick(['"<$0>"', '"$1|$2"', '""', '"$$"', '"-$10-"'])}${
          g.chance(0.3) ? `, ${g.int(3)}` : ''
        })`;
      case 8:
        return `$split(${str()}, ${g.chance(0.7) ? this.regex() : '" "'}${g.chance(0.3) ? `, ${g.int(3)}` : ''})`;
      case 9:
        return `(${sub()} ${g.pick(['=', '!='])} ${sub()})`;
      case 10:
      case 11:
        return `(${sub()} & ${sub()})`;
      case 12:
        return `(${sub()} ? ${sub()} : ${sub()})`;
      case 13:
        return `(${sub()} ? ${sub()})`;
      case 14:
      case 15:
      case 16:
        return scope.helpers.length > 0 ? this.helperCall(scope, depth) : this.leaf(scope);
      case 17:
        return `$substring(${str()}, ${g.pick(['0', '1', '-2'])}, ${g.pick(['1', '3'])})`;
      case 18:
        return `$join(${g.pick(['arr', 'items.s', '[s, "q"]'])}, ${g.pick(['","', '""'])})`;
      case 19:
        return `$count(${sub()})`;
      case 20:
        return `$mk(${sub()})(${sub()})`;
      default:
        return `$${g.pick(BUILT_INS_1)}()`;
    }
  }

  /** A lambda body, mostly inside pure-lambda.ts's subset (literals, the parameter, conditions, =, !=, &, calls). */
  body(param: string, scope: Scope, depth: number): string {
    const g = this.g;
    const sub = () => this.body(param, scope, depth + 1);
    const str = () => (g.chance(0.6) ? `$string(${sub()})` : sub());
    if (depth > 3) return g.chance(0.7) ? `$${param}` : g.pick(['"x"', '""', '1', 'null', 'true']);
    switch (g.int(16)) {
      case 0:
      case 1:
        return `$${param}`;
      case 2:
        return g.pick(['"x"', '""', '" "', '0', '-0', 'null', 'false']);
      case 3:
      case 4:
        return this.call(g.pick(BUILT_INS_1), [sub()]);
      case 5:
        return `(${sub()} ? ${sub()} : ${sub()})`;
      case 6:
        return `(${sub()} ? ${sub()})`;
      case 7:
        return `(${sub()} ${g.pick(['=', '!='])} ${sub()})`;
      case 8:
        return `(${sub()} & ${sub()})`;
      case 9:
        return `$contains(${str()}, ${g.chance(0.6) ? this.regex() : '"a"'})`;
      case 10:
        return g.pick([
          `$replace(${str()}, ${this.regex()}, "_")`,
          `$split(${str()}, ${this.regex()})`,
          `$match(${str()}, ${this.regex()}, 1)`,
        ]);
      case 11:
        // outside the subset: a path over the parameter, an outer variable, the context, another helper
        return g.pick([
          `$${param}.s`,
          scope.vars.length > 0 ? `$${g.pick(scope.vars)}` : 's',
          '$',
          '$$.s',
          `$substring(${str()}, 1)`,
          `-$${param}`,
          // built-ins that take the context for a missing or mistyped first argument (the caller's, in tail position)
          '$string()',
          '$trim()',
          `$substring($${param}, 1)`,
        ]);
      case 12:
        return scope.helpers.length > 0 ? `$${g.pick(scope.helpers).name}(${sub()})` : sub();
      case 13:
        return `$trim($string(${sub()}))`;
      default:
        return this.call(g.pick(['string', 'trim', 'lowercase', 'uppercase']), [str()]);
    }
  }

  /** A block binding helpers (some shadowing built-ins or each other), then an output built from them. */
  program(): string {
    const g = this.g;
    const scope: Scope = { vars: [], helpers: [] };
    const lines: string[] = [];
    lines.push('$mk := function($p) { function($v) { $p & "/" & $v } }');
    if (g.chance(0.3)) {
      lines.push('$k := s');
      scope.vars.push('k');
    }
    const helpers = 1 + g.int(3);
    for (let h = 0; h < helpers; h++) {
      const shadow = g.chance(0.12);
      const name = shadow ? g.pick(SHADOWS) : `h${h}`;
      // a parameter named like a helper or a built-in, sometimes
      // (the compiler declines a call of a parameter-shadowed name it cannot follow: kept rare, to compile most cases)
      const param = g.chance(0.9) ? g.pick(['v', 'x']) : g.pick(['string', 'trim', `h${h}`, 'h0']);
      const params = g.chance(0.85) ? 1 : g.pick([0, 2]);
      const names = params === 0 ? [] : params === 1 ? [param] : [param, 'w'];
      // a helper named like a built-in neither calls itself nor other helpers (which may call it): no endless recursion
      const own = shadow ? { vars: scope.vars, helpers: [] } : scope;
      let body = this.body(param, own, 0)
        .split(`$${name}(`)
        .join(name === 'string' ? '$trim(' : '$string(');
      if (params === 2) body = `(${body}) & $string($w)`;
      if (g.chance(0.15)) body = `( $inner := ${this.body(param, own, 2)}; ${g.pick([`$inner & ${body}`, body])} )`;
      if (g.chance(0.08)) body = `( $${g.pick(SHADOWS)} := function($q) { "<" & $q & ">" }; ${body} )`;
      lines.push(`$${name} := function(${names.map((n) => `$${n}`).join(', ')}) { ${body} }`);
      scope.helpers.push({ name, params });
    }
    if (g.chance(0.1)) {
      // recursion (the compiler declines it: the interpreter runs the expression either way)
      lines.push('$rec := function($v, $i) { $i > 0 and $i < 9 ? $rec($v & ".", $i - 1) : $v }');
      scope.helpers.push({ name: 'rec', params: 2 });
    }
    const out = g.int(3);
    let result: string;
    if (out === 0) {
      const fields = 1 + g.int(4);
      result = `{ ${Array.from({ length: fields }, (_, i) => `"f${i}": ${this.expr(scope, 0)}`).join(', ')} }`;
    } else if (out === 1) {
      result = `[${this.expr(scope, 0)}, ${this.expr(scope, 0)}]`;
    } else {
      const inner: Scope = { vars: [...scope.vars, 'i'], helpers: scope.helpers };
      result = `$map(items, function($i) { { "a": ${this.expr(inner, 1)}, "b": ${this.expr(inner, 1)} } })`;
    }
    return `( ${[...lines, result].join('; ')} )`;
  }
}
