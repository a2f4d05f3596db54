import type { OutboundHttp } from './http';

/**
 * An axios adapter (axios's own extension point, `config.adapter`) that sends every request through the hub's
 * outbound door, for vendor SDKs built on axios (e.g. @sendgrid/client, which passes its default request options
 * to axios). axios still serialises the body (transformRequest) and parses the answer (transformResponse); the door
 * does the network part, redirects included, so axios's own follow-redirects and proxy code are never used.
 * Written against axios's documented adapter contract rather than importing axios, so a connector needs no
 * direct dependency on it.
 */

export interface AxiosAdapterConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  headers?: unknown;
  data?: unknown;
  params?: unknown;
  signal?: unknown;
  timeout?: number;
  validateStatus?: ((status: number) => boolean) | null;
}

export interface AxiosAdapterResponse {
  data: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  config: AxiosAdapterConfig;
  request: Record<string, never>;
}

function fullUrl(config: AxiosAdapterConfig): URL {
  const path = config.url ?? '';
  const base = config.baseURL;
  const joined =
    base === undefined || /^[a-z][a-z\d+\-.]*:\/\//i.test(path)
      ? path
      : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  const url = new URL(joined);
  if (typeof config.params === 'object' && config.params !== null) {
    for (const [key, value] of Object.entries(config.params as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
      else url.searchParams.set(key, String(value));
    }
  }
  return url;
}

function plainHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {};
  const toJSON = (headers as { toJSON?: () => unknown }).toJSON;
  const bag = (typeof toJSON === 'function' ? toJSON.call(headers) : headers) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(bag)) {
    if (value === undefined || value === null || value === false) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function body(data: unknown): string | Uint8Array | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return JSON.stringify(data);
}

/** `config.adapter` for axios: the request goes through `http` (the connector's outbound door). */
export function axiosAdapter(http: OutboundHttp): (config: AxiosAdapterConfig) => Promise<AxiosAdapterResponse> {
  return async (config) => {
    const payload = body(config.data);
    const response = await http.fetch(fullUrl(config), {
      method: (config.method ?? 'get').toUpperCase(),
      headers: plainHeaders(config.headers),
      ...(payload === undefined ? {} : { body: payload }),
      ...(config.signal instanceof AbortSignal ? { signal: config.signal } : {}),
      ...(typeof config.timeout === 'number' && config.timeout > 0 ? { timeoutMs: config.timeout } : {}),
      field: 'baseUrl',
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const result: AxiosAdapterResponse = {
      data: await response.text(),
      status: response.status,
      statusText: response.statusText,
      headers,
      config,
      request: {},
    };
    const validate = config.validateStatus;
    if (!validate || validate(result.status)) return result;
    // the shape axios's settle() rejects with: callers read `response`
    throw Object.assign(new Error(`Request failed with status code ${result.status}`), {
      name: 'AxiosError',
      isAxiosError: true,
      code: result.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
      config,
      response: result,
    });
  };
}
