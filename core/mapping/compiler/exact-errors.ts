import { apply, type Runtime } from './functions';
import type { AstNode } from './analyse';
import type { Code } from './compile';
import { normalize } from './runtime';

/**
 * Errors the compiled code reports exactly as the interpreter would, so the record need not be evaluated again on
 * the interpreter for its message (compile.ts uses these where the interpreter evaluates one thing at a time).
 */

/** Marks an error the compiled code reports exactly as the interpreter would (no need to evaluate again). */
export const EXACT = Symbol('exact error');

/**
 * `$error(…)` outside lambdas and and/or: the interpreter's error is the thrown object with the call's position and
 * the function name as token (evaluateFunction/applyInner), and its message is the given one (D3137 "{{{message}}}").
 */
export function exactError(node: AstNode, call: Code): Code {
  const position = node.position;
  const token = String((node.procedure as AstNode).value);
  return (i, f, s) => {
    try {
      return call(i, f, s);
    } catch (err) {
      if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'D3137') {
        const e = err as { position?: number; token?: string; [EXACT]?: boolean };
        e.position = position;
        if (!e.token) e.token = token;
        e[EXACT] = true;
      }
      throw err;
    }
  };
}

/**
 * `$number(…)` where the interpreter evaluates one thing at a time (outside lambdas, and/or and concurrent parts): a
 * value it cannot cast fails the record with the interpreter's error (D3030, thrown by the same built-in), which the
 * interpreter completes with the call's position and the function name as token (applyInner/evaluateFunction) and
 * the message from its template (populateMessage). Only an error the call itself throws, not one from evaluating its
 * arguments, is completed: `apply` is the only code in the try.
 */
export function exactNumberError(
  node: AstNode,
  proc: Code,
  args: Code[],
  normalise: boolean,
  keepArray: boolean,
  runtime: () => Runtime,
): Code {
  const position = node.position;
  const count = args.length;
  return (i, f, s) => {
    const fn = proc(i, f, s);
    const values = new Array<unknown>(count);
    for (let a = 0; a < count; a++) values[a] = args[a](i, f, s);
    let result: unknown;
    try {
      result = apply(fn, values, i, s, runtime());
    } catch (err) {
      const e = err as {
        code?: unknown;
        position?: number;
        token?: string;
        value?: unknown;
        message?: string;
        [EXACT]?: boolean;
      };
      if (
        typeof err === 'object' &&
        err !== null &&
        e.code === 'D3030' &&
        e.position === undefined &&
        e.token === undefined
      ) {
        e.position = position;
        e.token = 'number';
        e.message = `Unable to cast value to a number: ${JSON.stringify(e.value)}`;
        e[EXACT] = true;
      }
      throw err;
    }
    return normalise ? normalize(result, keepArray) : result;
  };
}
