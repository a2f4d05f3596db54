import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Command } from 'commander';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { openHub } from '../../runtime/hub';
import { HUB_VERSION } from '../../version';
import type { Output } from '../output';

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description('Start the HTTP server (and, with the flow runner, a worker) on the configured store')
    .option('-p, --port <port>', 'TCP port (overrides HUB_PORT)')
    .option('--host <host>', 'interface to listen on (overrides HUB_HOST)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub serve\n  $ HUB_DATABASE_URL=postgres://hub:hub@localhost/hub hub serve --port 8080',
    )
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig(process.env, { HUB_PORT: opts.port, HUB_HOST: opts.host });
      const hub = await openHub(config);
      const app = createApp({
        logger: hub.logger,
        version: HUB_VERSION,
        readiness: [{ name: 'store', check: () => hub.store.ping() }],
      });
      const server: Server = app.listen(config.port, config.host);
      try {
        await once(server, 'listening');
      } catch (error) {
        await hub.close();
        throw error;
      }
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      hub.logger.info(
        {
          store: hub.store.engine,
          queue: config.redisUrl ? 'bullmq' : 'embedded',
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
        hub.logger.info({ signal }, 'shutting down');
        server.close(() => {
          void hub.close().finally(() => hub.logger.info('stopped'));
        });
        server.closeIdleConnections();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      await once(server, 'close');
    });
}
