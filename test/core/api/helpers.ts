import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { API_BASE, apiDepsFor, createApi, type Api } from '../../../core/api';
import { loadConfig } from '../../../core/config';
import { createLogger, type HubLogger } from '../../../core/logging/logger';
import { describeConnector, type Registry } from '../../../core/registry';
import { openEngine, type Engine } from '../../../core/runtime/engine';
import { openHub, type Hub } from '../../../core/runtime/hub';
import { AuthError, type ConnectorDefinition } from '../../../core/sdk';
import type { Connection, Run, TokenRole } from '../../../core/store/repos';

export const ROOT = path.resolve(__dirname, '../../..');
export const FLOW_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'flows');
export const ROLES: TokenRole[] = ['admin', 'engineer', 'marketer', 'viewer'];

/**
 * A connector with a secret setting whose check quotes the secret in its error (careless on purpose): the API
 * must never let the secret out.
 */
export const leakyConnector: ConnectorDefinition = {
  id: 'leaky',
  displayName: 'Leaky (test)',
  version: '1.0.0',
  category: 'crm',
  settingsSchema: {
    type: 'object',
    properties: {
      apiToken: { type: 'string', minLength: 8, pattern: '^tok-', 'x-secret': true },
      account: { type: 'string' },
    },
    required: ['apiToken', 'account'],
    additionalProperties: false,
  },
  policy: {
    rateBudget: { requests: 10, intervalMs: 1000 },
    concurrency: 1,
    maxBatchSize: { push: 10 },
    retryStatuses: [],
    retryAfter: [],
  },
  async check(connection) {
    const settings = connection.settings as { apiToken: string; account: string };
    throw new AuthError(`token ${settings.apiToken} was rejected for account ${settings.account}`);
  },
  streams: [],
  actions: [
    {
      name: 'push',
      recordSchema: { type: 'object' },
      mode: 'upsert',
      write: async ({ records }) => records.map((_r, i) => ({ status: 'ok' as const, targetId: String(i) })),
    },
  ],
};

function withLeaky(real: Registry): Registry {
  const info = { ...describeConnector(leakyConnector), source: 'test' };
  return {
    list: () => [...real.list(), leakyConnector],
    has: (id) => id === 'leaky' || real.has(id),
    get: (id) => (id === 'leaky' ? leakyConnector : real.get(id)),
    describe: (id) => (id === 'leaky' ? structuredClone(info) : real.describe(id)),
    problems: real.problems,
  };
}

export interface ApiBed {
  dir: string;
  hub: Hub;
  engine: Engine;
  api: Api;
  app: Express;
  /** A token per role. */
  tokens: Record<TokenRole, string>;
  /** Supertest with the role's token (or none). */
  as(role: TokenRole | 'none'): Client;
  /** Writes a file in the folder file connections read from. */
  file(name: string, content: string): string;
  /** A file connection (through the service, as `test`) over the bed's files folder. */
  fileConnection(name: string, settings?: Record<string, unknown>): Promise<Connection>;
  /** Polls the run until it is finished. */
  waitForRun(runId: string): Promise<Run>;
  close(): Promise<void>;
}

export interface Client {
  get(url: string): request.Test;
  post(url: string, body?: unknown): request.Test;
  put(url: string, body?: unknown): request.Test;
  patch(url: string, body?: unknown): request.Test;
  delete(url: string): request.Test;
}

const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

export async function openApiBed(
  options: { corsOrigins?: string[]; env?: Record<string, string>; logger?: HubLogger } = {},
): Promise<ApiBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-api-'));
  fs.mkdirSync(path.join(dir, 'files'));
  const config = loadConfig({
    HUB_DATA_DIR: path.join(dir, 'data'),
    HUB_LOG_LEVEL: 'silent',
    HUB_MAPPINGS_DIR: path.join(FLOW_FIXTURES, 'mappings'),
    HUB_FLOWS_DIR: path.join(FLOW_FIXTURES, 'templates'),
    ...options.env,
  });
  const opened = await openHub(config, { logger: options.logger ?? createLogger({ level: 'silent' }) });
  const hub: Hub = { ...opened, registry: withLeaky(opened.registry) };
  const engine = await openEngine(hub, { scheduler: false });
  await engine.runner.startWorker();
  const api = createApi(apiDepsFor(hub, engine, '0.0.0-test'), { validateResponses: true });
  const app = createApp({
    logger: hub.logger,
    version: '0.0.0-test',
    readiness: [],
    routes: [{ path: API_BASE, router: api.router }],
    corsOrigins: options.corsOrigins,
  });
  const tokens = {} as Record<TokenRole, string>;
  for (const role of ROLES) tokens[role] = (await hub.repos.apiTokens.create({ name: `${role}-token`, role })).token;

  const as = (role: TokenRole | 'none'): Client => {
    const auth = (test: request.Test) => (role === 'none' ? test : test.set('authorization', `Bearer ${tokens[role]}`));
    const url = (u: string) => (u.startsWith('/api/') ? u : `${API_BASE}${u}`);
    const agent = request(app);
    return {
      get: (u) => auth(agent.get(url(u))),
      post: (u, body) =>
        body === undefined ? auth(agent.post(url(u))) : auth(agent.post(url(u))).send(body as object),
      put: (u, body) => auth(agent.put(url(u))).send(body as object),
      patch: (u, body) => auth(agent.patch(url(u))).send(body as object),
      delete: (u) => auth(agent.delete(url(u))),
    };
  };

  return {
    dir,
    hub,
    engine,
    api,
    app,
    tokens,
    as,
    file(name, content) {
      const file = path.join(dir, 'files', name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    async fileConnection(name, settings = {}) {
      return apiDepsFor(hub, engine, 'test').connections.create(
        { name, connectorId: 'file', settings: { directory: path.join(dir, 'files'), ...settings } },
        { actor: 'test' },
      );
    },
    async waitForRun(runId) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const run = await hub.repos.runs.get(runId);
        if (run && FINISHED.has(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await engine.close();
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A path of the table with every `:param` replaced (by the given values, or `value`). */
export function concretePath(routePath: string, values: Record<string, string> = {}, value = 'nothing-here'): string {
  return routePath.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? value));
}
