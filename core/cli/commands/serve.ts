import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Command } from 'commander';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { openEngine, type Engine } from '../../runtime/engine';
import { openHub } from '../../runtime/hub';
import { HUB_VERSION } from '../../version';
import type { Output } from '../output';

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
      try {
        const opened = await openEngine(hub, { scheduler: opts.worker });
        engine = opened;
        if (opts.worker) await opened.runner.startWorker();
        opened.scheduler?.start();
        const app = createApp({
          logger: hub.logger,
          version: HUB_VERSION,
          readiness: [
            { name: 'store', check: () => hub.store.ping() },
            { name: 'queue', check: () => opened.queue.ping() },
          ],
        });
        server = app.listen(config.port, config.host);
        await once(server, 'listening');
      } catch (error) {
        server?.close();
        await engine?.close();
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
      output.out(
        `Connector Hub ${HUB_VERSION} listening on http://${config.host}:${port} (store: ${hub.store.engine})`,
      );

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
        await running.engine.close();
      } finally {
        await hub.close();
        hub.logger.info('stopped');
      }
    });
}
