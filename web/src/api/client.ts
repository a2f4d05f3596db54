import createClient from 'openapi-fetch';
import type { components, operations, paths } from './openapi';

/**
 * The console's only way to the hub: a client for /api/v1 typed from the generated OpenAPI types (openapi.ts),
 * with the session's token. Problems (RFC 9457) become ApiError with the hub's words, never a stack trace.
 */

export type Schemas = components['schemas'];
export type Flow = Schemas['Flow'];
export type FlowDetail = Schemas['FlowDetail'];
export type Run = Schemas['Run'];
export type RunCounts = Schemas['RunCounts'];
export type RunDetail = Schemas['RunDetail'];
export type DeadLetter = Schemas['DeadLetter'];
export type Template = Schemas['Template'];
export type Connection = Schemas['Connection'];
export type Session = Schemas['Session'];
export type Problem = Schemas['Problem'];
export type AdMetrics = operations['getAdMetrics']['responses'][200]['content']['application/json'];
export type AdChannel = AdMetrics['channels'][number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The message a person reads for a problem: its detail, or its title, plus the fields at fault. */
export function problemMessage(status: number, problem: unknown): string {
  const p = (typeof problem === 'object' && problem !== null ? problem : {}) as Partial<Problem>;
  const base = p.detail ?? p.title ?? `The hub answered ${status}`;
  const fields = (p.errors ?? []).map((e) => `${e.field.replace(/^\/body\//, '')}: ${e.message}`);
  return fields.length > 0 ? `${base} (${fields.join('; ')})` : base;
}

export function createApi(token: string) {
  const client = createClient<paths>({ baseUrl: '', headers: { authorization: `Bearer ${token}` } });
  client.use({
    onError: () => new ApiError(0, 'The hub could not be reached. Is it running?'),
  });
  return client;
}

export type Api = ReturnType<typeof createApi>;

/** The data of an answer, or an ApiError with the problem's words. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, problemMessage(response.status, error));
  return data as NonNullable<T>;
}
