import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import {
  AuthError,
  Secret,
  defineAction,
  defineConnector,
  defineStream,
  type ConnectorDefinition,
} from '../../../core/sdk';

/**
 * A stand-in OAuth2 token endpoint on 127.0.0.1 that rotates refresh tokens like Google and HubSpot do: each refresh
 * token is good once (a second use answers 400 `invalid_grant`), and every refresh issues a new access token and a
 * new refresh token. `refused` makes every refresh answer `invalid_grant`.
 */
export interface TokenEndpoint {
  url: string;
  /** Refresh requests that reached the endpoint. */
  requests: number;
  /** Refresh requests answered `invalid_grant`. */
  invalidGrants: number;
  /** The refresh token currently valid and the access token last issued. */
  validRefresh: string;
  accessToken: string;
  refused: boolean;
  /** Milliseconds to hold each answer (lets concurrent callers pile up behind the first). */
  delayMs: number;
  /** Requests the vendor refused with a 401 (a token that is not the last one issued). */
  refusals: number;
  /** Runs before the `pages` stream serves page n (1-based) or the `push` action writes its n-th batch. */
  beforePage?: (n: number) => void | Promise<void>;
  beforeWrite?: (n: number) => void | Promise<void>;
  /** Records the `push` action accepted. */
  pushed: string[];
  close(): Promise<void>;
}

export async function startTokenEndpoint(initialRefresh = 'rt-0'): Promise<TokenEndpoint> {
  let issued = 0;
  const state = {
    requests: 0,
    invalidGrants: 0,
    validRefresh: initialRefresh,
    accessToken: 'at-stale',
    refused: false,
    delayMs: 50,
    refusals: 0,
    pushed: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.requests += 1;
      const form = new URLSearchParams(body);
      const answer = (status: number, json: object) => {
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        }, state.delayMs);
      };
      const ok =
        !state.refused &&
        form.get('grant_type') === 'refresh_token' &&
        form.get('client_id') === 'client-1' &&
        form.get('client_secret') === 'client-secret-1' &&
        form.get('refresh_token') === state.validRefresh;
      if (!ok) {
        state.invalidGrants += 1;
        answer(400, { error: 'invalid_grant', error_description: `Bad refresh token ${form.get('refresh_token')}` });
        return;
      }
      issued += 1;
      state.validRefresh = `rt-${issued}`;
      state.accessToken = `at-${issued}`;
      answer(200, {
        access_token: state.accessToken,
        refresh_token: state.validRefresh,
        expires_in: 3600,
        token_type: 'Bearer',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as TokenEndpoint;
}

export const oauthSettingsSchema = Type.Object({
  tokenUrl: Type.String(),
  clientId: Type.String(),
  clientSecret: Secret(Type.String()),
  refreshToken: Secret(Type.String()),
  accessToken: Type.Optional(Secret(Type.String())),
  expiresAt: Type.Optional(Type.Number()),
});

/**
 * A connector that declares `oauth2`: its check and its `contacts` stream accept only the access token the endpoint
 * issued last (anything else is the vendor's 401, an AuthError).
 */
export function oauthConnector(endpoint: TokenEndpoint, id = 'oauth-test'): ConnectorDefinition {
  const assertToken = (token: unknown) => {
    if (token === endpoint.accessToken) return;
    endpoint.refusals += 1;
    throw new AuthError('401 from the vendor: the access token is not valid');
  };
  let writes = 0;
  return defineConnector({
    id,
    displayName: 'OAuth test',
    version: '1.0.0',
    category: 'crm',
    settingsSchema: oauthSettingsSchema,
    policy: {
      rateBudget: { requests: 1000, intervalMs: 1000 },
      concurrency: 4,
      timeoutMs: 5000,
      retryAfter: [],
      retryStatuses: [],
      maxBatchSize: {},
    },
    oauth2: {
      tokenUrl: 'https://oauth.invalid/token',
      tokenUrlOf: (settings) => settings.tokenUrl,
      fields: {
        clientId: 'clientId',
        clientSecret: 'clientSecret',
        refreshToken: 'refreshToken',
        accessToken: 'accessToken',
        expiresAt: 'expiresAt',
      },
    },
    check(connection) {
      assertToken(connection.settings.accessToken);
      return Promise.resolve({ ok: true, message: 'token accepted' });
    },
    streams: [
      defineStream({
        name: 'contacts',
        recordSchema: Type.Object({ id: Type.String(), email: Type.String() }),
        identity: ['id'],
        async *read({ connection }) {
          assertToken((connection.settings as { accessToken?: unknown }).accessToken);
          await Promise.resolve();
          yield {
            records: [{ id: 'o1', email: 'person1@example.com', name: 'Person 1' }],
            checkpoint: null,
          };
        },
      }),
      defineStream({
        name: 'pages',
        recordSchema: Type.Object({ id: Type.String(), email: Type.String() }),
        identity: ['id'],
        // three pages of two records; the checkpoint is the next page, so a resumed read starts where it stopped
        async *read({ connection, checkpoint }) {
          for (let n = Number((checkpoint as { next?: number } | null)?.next ?? 1); n <= 3; n++) {
            await endpoint.beforePage?.(n);
            assertToken((connection.settings as { accessToken?: unknown }).accessToken);
            yield {
              records: [1, 2].map((i) => ({ id: `p${n}-${i}`, email: `page${n}.${i}@example.com` })),
              checkpoint: { next: n + 1 },
            };
          }
        },
      }),
    ],
    actions: [
      defineAction({
        name: 'push',
        recordSchema: Type.Object({ email: Type.String() }, { additionalProperties: true }),
        mode: 'upsert',
        maxBatchSize: 2,
        async write({ connection, records }) {
          writes += 1;
          await endpoint.beforeWrite?.(writes);
          assertToken((connection.settings as { accessToken?: unknown }).accessToken);
          endpoint.pushed.push(...records.map((r) => (r as { email: string }).email));
          return records.map((r) => ({
            status: 'ok' as const,
            targetId: (r as { email: string }).email,
            operation: 'created' as const,
          }));
        },
      }),
    ],
  }) as unknown as ConnectorDefinition;
}

/** Settings of a connection whose access token expired a minute ago. */
export function expiredSettings(endpoint: TokenEndpoint, now = Date.now()): Record<string, unknown> {
  return {
    tokenUrl: endpoint.url,
    clientId: 'client-1',
    clientSecret: 'client-secret-1',
    refreshToken: endpoint.validRefresh,
    accessToken: endpoint.accessToken,
    expiresAt: now - 60_000,
  };
}
