import type { AstNode } from './analyse';
import { compileNode, Frame, type Code, type CompiledState, type Compiler } from './compile';
import { CompiledLambda, type LambdaDefinition } from './functions';
import { fastPureBody } from './pure-lambda';
import { dependsOnlyOn } from './purity';

/**
 * A lambda node (`function($x) { … }`, not a thunk): its body compiled once, a CompiledLambda value per evaluation
 * (JSONata evaluates the body in the context and scope the lambda was made in). Pure one-parameter lambdas
 * (purity.ts) share one frame between calls, or, in pure-lambda.ts's subset, run as one generated function.
 */
export function compileLambda(node: AstNode, compiler: Compiler): Code {
  const params = (node.arguments ?? []).map((p) => String(p.value));
  compiler.nested++;
  const body = compileNode(node.body as AstNode, compiler, true);
  compiler.nested--;
  const pure = params.length === 1 && dependsOnlyOn(node.body, params[0], compiler.bound);
  // one generated function for the body when it is in pure-lambda.ts's subset: no frame, direct calls
  const fast = pure ? fastPureBody(node.body as AstNode, params[0], compiler) : undefined;
  // A pure lambda's body (purity.ts) reads no variable but its parameter (built-ins are resolved without frames),
  // binds nothing, makes no lambda and calls none: its frame is never captured, its parent never read, and no call
  // of the same lambda starts inside it. So one frame serves its calls, one at a time (a nested call, which cannot
  // happen, would get a frame of its own).
  let spare: Frame | undefined;
  const definition: LambdaDefinition = {
    params: node.arguments ?? [],
    signature: node.signature as LambdaDefinition['signature'],
    pure,
    fast: fast as LambdaDefinition['fast'],
    run(input, frame, args, state, callInput) {
      // evaluation bindings (tests) could shadow a built-in the generated body calls
      if (fast && (state as CompiledState).bindings === undefined) {
        return fast(args[0], input, callInput, state as CompiledState);
      }
      if (pure) {
        const scope = spare ?? new Frame(undefined, callInput);
        spare = undefined;
        scope.callInput = callInput;
        scope.names = params;
        scope.values = args;
        scope.size = 1;
        scope.shared = true;
        try {
          return body(input, scope, state as CompiledState);
        } finally {
          spare = scope;
        }
      }
      const scope = new Frame(frame as Frame, callInput);
      if (params.length > 0) {
        // the parameter list and the call's argument array, shared until a binding in this frame copies them
        scope.names = params;
        scope.values = args;
        scope.size = params.length;
        scope.shared = true;
      }
      return body(input, scope, state as CompiledState);
    },
  };
  return (input, frame) => new CompiledLambda(definition, input, frame);
}
