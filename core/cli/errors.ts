import { isHubError } from '../sdk/errors';

/**
 * What the user sees when a command fails: one line saying what is wrong and what to do,
 * never a stack trace. Exit codes: 1 for a failure, 2 for bad configuration or usage.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (isHubError(error)) {
    const field = error.field && !error.message.includes(error.field) ? ` (field: ${error.field})` : '';
    return { message: `error: ${error.message}${field}`, exitCode: error.kind === 'config' ? 2 : 1 };
  }
  if (error instanceof SyntaxError) return { message: `error: invalid JSON: ${error.message}`, exitCode: 2 };
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'ENOENT') {
    const p = (error as { path?: string }).path;
    return { message: `error: file not found${p ? `: ${p}` : ''}`, exitCode: 2 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `error: ${message}`, exitCode: 1 };
}
