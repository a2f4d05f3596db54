import { compileMapping, type MappingEngineOptions } from '../../../../core/mapping';

let counter = 0;

/** Evaluates an expression with the standard library registered; throws when the evaluation fails. */
export async function run(expression: string, input: unknown = {}, options?: MappingEngineOptions): Promise<unknown> {
  counter++;
  const result = await compileMapping({ id: `stdlib-test-${counter}`, expression }, options).evaluate(input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** Evaluates an expression expected to fail; returns the error. */
export async function runError(expression: string, input: unknown = {}): Promise<Record<string, unknown>> {
  counter++;
  const result = await compileMapping({ id: `stdlib-test-${counter}`, expression }).evaluate(input);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}
