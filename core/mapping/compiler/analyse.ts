/**
 * What the compiler checks before it compiles: the constructs it supports (anything else is declined, and the
 * interpreter runs the expression), and a bound on the interpreter's evaluation depth, so the compiled code never
 * succeeds where the interpreter would stop with D1011 (`maxDepth`).
 *
 * The interpreter counts every AST node being evaluated, and array and object constructors evaluate their members
 * concurrently (Promise.all), so the depth it can reach is the *sum* over constructor members, the maximum over
 * everything else, plus the body of every lambda called. `depthBound` computes that; lambdas that could call user
 * functions (and so recurse) make the bound unknown and the expression is declined.
 */

export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: { type: string; expr: AstNode; value?: unknown }[];
  predicate?: { type: string; expr: AstNode }[];
  expressions?: AstNode[];
  expression?: AstNode;
  lhs?: AstNode | AstNode[][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
  body?: AstNode;
  signature?: unknown;
  thunk?: boolean;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  group?: unknown;
  tuple?: boolean;
  focus?: unknown;
  index?: unknown;
  ancestor?: unknown;
  seekingParent?: unknown;
}

export class Decline extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Decline';
  }
}

/** Every name bound in the expression: `$x := …` and lambda parameters. */
export function boundNames(node: unknown, names = new Set<string>()): Set<string> {
  if (typeof node !== 'object' || node === null) return names;
  if (Array.isArray(node)) {
    for (const child of node) boundNames(child, names);
    return names;
  }
  const n = node as AstNode;
  if (n.type === 'bind' && n.lhs && !Array.isArray(n.lhs)) names.add(String(n.lhs.value));
  if (n.type === 'lambda') for (const param of n.arguments ?? []) names.add(String(param.value));
  for (const [key, child] of Object.entries(n)) {
    if (key !== 'value' && key !== 'signature' && typeof child === 'object') boundNames(child, names);
  }
  return names;
}

/** Built-ins that call a function they are given, and the argument positions where one can be. */
const FUNCTION_ARGUMENTS: Record<string, number[]> = {
  map: [1],
  filter: [1],
  reduce: [1],
  each: [1],
  match: [1],
  split: [1],
  contains: [1],
  replace: [1, 2],
};

interface DepthContext {
  /** names bound only ever to lambda literals (`$f := function…`), with those lambdas' bodies */
  lambdas: Map<string, AstNode[]>;
  bound: Set<string>;
  bodies: AstNode[];
  memo: Map<AstNode, number>;
  computing: Set<AstNode>;
}

function max(values: number[]): number {
  return values.length === 0 ? 0 : Math.max(...values);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Depth of a lambda body (memoised); a body reached again while measured is recursion: no bound. */
function bodyDepth(body: AstNode, ctx: DepthContext): number {
  const known = ctx.memo.get(body);
  if (known !== undefined) return known;
  if (ctx.computing.has(body)) throw new Decline('recursive functions (evaluation depth not bounded)');
  ctx.computing.add(body);
  const result = depth(body, ctx);
  ctx.computing.delete(body);
  ctx.memo.set(body, result);
  return result;
}

/** Depth of whatever function value `node` may evaluate to, when called. */
function calleeDepth(node: AstNode, ctx: DepthContext): number {
  if (node.type === 'lambda' && !node.thunk && node.body) return bodyDepth(node.body, ctx) + 1;
  if (node.type === 'variable' && !ctx.bound.has(String(node.value))) return 0;
  if (node.type === 'variable' && ctx.lambdas.has(String(node.value))) {
    return max((ctx.lambdas.get(String(node.value)) ?? []).map((body) => bodyDepth(body, ctx))) + 1;
  }
  if (node.type === 'regex' || node.type === 'string') return 0;
  // unknown: any lambda of the expression
  return max(ctx.bodies.map((body) => bodyDepth(body, ctx))) + 1;
}

/** Upper bound on the interpreter's evaluation depth under `node` (this node counted). */
export function depth(node: AstNode, ctx: DepthContext): number {
  let inner: number;
  switch (node.type) {
    case 'path':
      inner = max(
        (node.steps ?? []).map((s) => Math.max(depth(s, ctx), max((s.stages ?? []).map((st) => depth(st.expr, ctx))))),
      );
      break;
    case 'binary':
    case 'apply':
      inner = Math.max(depth(node.lhs as AstNode, ctx), depth(node.rhs as AstNode, ctx));
      break;
    case 'unary':
      if (node.value === '-') inner = depth(node.expression as AstNode, ctx);
      else if (node.value === '[') inner = sum((node.expressions ?? []).map((e) => depth(e, ctx)));
      else {
        const pairs = node.lhs as AstNode[][];
        inner = Math.max(max(pairs.map((p) => depth(p[0], ctx))), sum(pairs.map((p) => depth(p[1], ctx))));
      }
      break;
    case 'condition':
      inner = max([node.condition, node.then, node.else].filter((n): n is AstNode => !!n).map((n) => depth(n, ctx)));
      break;
    case 'block':
      inner = max((node.expressions ?? []).map((e) => depth(e, ctx)));
      break;
    case 'bind':
      inner = depth(node.rhs as AstNode, ctx);
      break;
    case 'function': {
      const procedure = node.procedure as AstNode;
      const parts = [depth(procedure, ctx), ...(node.arguments ?? []).map((a) => depth(a, ctx))];
      parts.push(calleeDepth(procedure, ctx));
      const name = String(procedure.value);
      if (procedure.type === 'variable' && !ctx.bound.has(name)) {
        const positions = FUNCTION_ARGUMENTS[name] ?? [];
        (node.arguments ?? []).forEach((arg, index) => {
          if (positions.includes(index)) parts.push(calleeDepth(arg, ctx));
        });
      }
      inner = max(parts);
      break;
    }
    case 'lambda':
      if (node.thunk) return depth(node.body as AstNode, ctx);
      inner = 0;
      break;
    default:
      inner = 0;
  }
  const predicates = max((node.predicate ?? []).map((p) => depth(p.expr, ctx)));
  return 1 + Math.max(inner, predicates);
}

function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  const n = node as AstNode;
  if (typeof n.type === 'string') visit(n);
  for (const [key, child] of Object.entries(n)) {
    if (key !== 'value' && key !== 'signature' && typeof child === 'object') walk(child, visit);
  }
}

/** The interpreter's maximum evaluation depth for this expression; throws Decline when it has no bound. */
export function depthBound(ast: AstNode): number {
  const bound = boundNames(ast);
  const bodies: AstNode[] = [];
  const lambdas = new Map<string, AstNode[]>();
  const notOnlyLambda = new Set<string>();
  walk(ast, (n) => {
    if (n.type === 'lambda' && !n.thunk && n.body) {
      bodies.push(n.body);
      for (const param of n.arguments ?? []) notOnlyLambda.add(String(param.value));
    }
    if (n.type === 'bind' && n.lhs && !Array.isArray(n.lhs)) {
      const name = String(n.lhs.value);
      const rhs = n.rhs as AstNode;
      if (rhs.type === 'lambda' && !rhs.thunk && rhs.body && !rhs.predicate) {
        lambdas.set(name, [...(lambdas.get(name) ?? []), rhs.body]);
      } else {
        notOnlyLambda.add(name);
      }
    }
  });
  for (const name of notOnlyLambda) lambdas.delete(name);
  return depth(ast, { lambdas, bound, bodies, memo: new Map(), computing: new Set() });
}
