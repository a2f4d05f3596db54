import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Command } from 'commander';
import { API_BASE, tokenServiceFor, type CreatedToken } from '../../api';
import { buildHttpApp } from '../../runtime/http-app';
import { loadConfig } from '../../config';
import { openEngine, type Engine } from '../../runtime/engine';
import { openHub } from '../../runtime/hub';
import { announceQueueWorker, type PresenceHandle } from '../../runtime/presence';
import { loadedPluginNames, pluginSetOf, recordPluginSet } from '../../registry/plugin-set';
import { startSandboxWorkspace, workspaceNotice, type SandboxWorkspace } from '../../sandbox/workspace';
import { HUB_VERSION } from '../../version';
import { ConfigError } from '../../sdk/errors';
import type { Output } from '../output';
import { CONSOLE_DIR } from '../../api/console';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Whether the web console is built (npm install builds it), so the start-up lines can point to it. */
const consoleBuilt = () => existsSync(path.join(CONSOLE_DIR, 'index.html'));

/** What `hub serve` prints once when it created the first admin token (the token is never logged). */
export function initialTokenNotice(created: CreatedToken): string {
  return [
    '',
    `First start: created the admin API token "${created.record.name}" (${created.record.id}).`,
    'It is shown ONLY THIS ONCE. Store it now; send it as "Authorization: Bearer <token>":',
    '',
    `    ${created.token}`,
    '',
    'Create more tokens with `hub tokens create --role <role> --name <name>`; revoke with `hub tokens revoke`.',
    '',
  ].join('\n');
}

/** A listen failure named by the variable that fixes it (HUB_HOST, HUB_PORT), instead of a bare errno. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'EADDRINUSE')
    return new ConfigError(
      `HUB_PORT=${port}: another process already listens on ${host}:${port}; stop it or choose another port (--port)`,
      { field: 'HUB_PORT' },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConfigError(
      `HUB_HOST=${JSON.stringify(host)}: this machine has no such interface address; use 127.0.0.1, 0.0.0.0 (every interface) or one of its own addresses`,
      { field: 'HUB_HOST' },
    );
  if (code === 'EACCES')
    return new ConfigError(`HUB_PORT=${port}: not allowed to listen on this port; use one above 1023`, {
      field: 'HUB_PORT',
    });
  return error;
}

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description(
      'Start the HTTP server with a worker (flow runs from the queue) and the scheduler; stops gracefully on SIGTERM',
    )
    .option('-p, --port <port>', 'TCP port (overrides HUB_PORT)')
    .option('--host <host>', 'interface to listen on (overrides HUB_HOST)')
    .option(
      '--no-worker',
      'serve the API only: no worker and no scheduler in this process (run `hub worker` elsewhere)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub serve\n  $ HUB_DATABASE_URL=postgres://hub:hub@localhost/hub hub serve --port 8080\n  $ HUB_REDIS_URL=redis://localhost:6379 hub serve --no-worker',
    )
    .action(async (opts: { port?: string; host?: string; worker: boolean }) => {
      const config = loadConfig(process.env, { HUB_PORT: opts.port, HUB_HOST: opts.host });
      const hub = await openHub(config);
      let engine: Engine | undefined;
      let server: Server | undefined;
      let initialToken: CreatedToken | undefined;
      let workspace: SandboxWorkspace | undefined;
      let presence: PresenceHandle | undefined;
      try {
        // workers compare their own plugin set with this one and refuse to start when it differs
        await recordPluginSet(hub.repos.meta, pluginSetOf(config.plugins, loadedPluginNames(hub.registry)));
        // first start (empty store) creates the sandbox workspace; later starts restart it when it exists
        if (config.sandbox) workspace = await startSandboxWorkspace(hub);
        const opened = await openEngine(hub, { scheduler: opts.worker });
        engine = opened;
        if (opts.worker) await opened.runner.startWorker();
        // `hub flows run` finds this worker by its heartbeat in the store and queues runs for it
        if (opts.worker) presence = await announceQueueWorker(hub, 'serve');
        opened.scheduler?.start();
        initialToken = await tokenServiceFor(hub).ensureInitialAdmin();
        const app = buildHttpApp(hub, opened);
        server = app.listen(config.port, config.host);
        await once(server, 'listening').catch((error: unknown) => {
          throw listenError(error, config.host, config.port);
        });
      } catch (error) {
        server?.close();
        await presence?.stop();
        await engine?.close();
        await workspace?.close();
        await hub.close();
        throw error;
      }
      const running = { server, engine };
      const address = running.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      hub.logger.info(
        {
          store: hub.store.engine,
          queue: running.engine.queue.driver,
          worker: opts.worker,
          connectors: hub.registry.list().length,
        },
        'hub started',
      );
      const base = `http://${config.host}:${port}`;
      const listening =
        `Connector Hub ${HUB_VERSION} listening on ${base} (store: ${hub.store.engine}); API at ${API_BASE}, reference at ${API_BASE}/reference` +
        (consoleBuilt() ? `\nWeb console: ${base}/ (sign in with an API token)` : '');
      // one write: the token notice (first start only) comes with the address, never through the logger
      const notices = [listening];
      if (initialToken !== undefined) notices.push(initialTokenNotice(initialToken));
      if (workspace !== undefined) notices.push(workspaceNotice(workspace));
      output.out(notices.join('\n'));

      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        hub.logger.info({ signal }, 'shutting down: runs in flight stop at a page boundary and are handed back');
        running.server.close();
        running.server.closeIdleConnections();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      await once(running.server, 'close');
      try {
        await presence?.stop();
        await running.engine.close();
        await workspace?.close();
      } finally {
        await hub.close();
        hub.logger.info('stopped');
      }
    });
}
