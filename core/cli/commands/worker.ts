import { once } from 'node:events';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { DEFAULT_QUEUE_LOCK_MS, DEFAULT_QUEUE_PREFIX } from '../../queue';
import { openEngine } from '../../runtime/engine';
import { openHub } from '../../runtime/hub';
import { announceQueueWorker } from '../../runtime/presence';
import { assertSamePluginSet, loadedPluginNames, pluginSetOf } from '../../registry/plugin-set';
import { ConfigError } from '../../sdk/errors';
import type { Output } from '../output';

/** Resolves with the name of the first of SIGTERM / SIGINT the process receives. */
export async function untilStopSignal(): Promise<string> {
  const stop = new AbortController();
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const waits = signals.map((signal) => once(process, signal, { signal: stop.signal }).then(() => signal));
  try {
    return await Promise.race(waits);
  } finally {
    stop.abort();
    await Promise.allSettled(waits);
  }
}

export function registerWorker(program: Command, output: Output): void {
  program
    .command('worker')
    .description(
      'Work flow runs from the queue and start scheduled runs, without the HTTP server (add workers to scale out); stops gracefully on SIGTERM',
    )
    .option('--concurrency <n>', 'runs worked at once by this process', '2')
    .option('--no-scheduler', 'do not start scheduled runs from this process')
    .addHelpText(
      'after',
      [
        '',
        'Queue settings (environment, shared with `hub serve`):',
        "  HUB_QUEUE_LOCK_MS  how long a run stays locked to its worker without a heartbeat (default 30000): a killed worker's run is taken up by another one after at most this",
        '  HUB_QUEUE_PREFIX   prefix of the Redis keys (queue and rate budgets), so two hubs can share one Redis (default hub)',
        '',
        'Examples:',
        '  $ HUB_REDIS_URL=redis://localhost:6379 HUB_DATABASE_URL=postgres://hub:hub@localhost/hub hub worker --concurrency 4',
        '  $ HUB_QUEUE_LOCK_MS=10000 HUB_QUEUE_PREFIX=hub-staging hub worker',
        '  $ hub worker --no-scheduler',
      ].join('\n'),
    )
    .action(async (opts: { concurrency: string; scheduler: boolean }) => {
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new ConfigError('--concurrency must be a whole number from 1 to 64', { field: '--concurrency' });
      const config = loadConfig();
      const hub = await openHub(config);
      try {
        // a worker without a plugin the server has (or with another version) would fail that plugin's runs
        const ownPlugins = pluginSetOf(config.plugins, loadedPluginNames(hub.registry));
        if (!(await assertSamePluginSet(hub.repos.meta, ownPlugins)))
          hub.logger.warn('no plugin set recorded yet (start `hub serve` once on this store); plugins not compared');
        const engine = await openEngine(hub, { scheduler: opts.scheduler });
        try {
          await engine.runner.startWorker({ concurrency });
          const presence = await announceQueueWorker(hub, 'worker'); // found by `hub flows run`
          engine.scheduler?.start();
          hub.logger.info(
            {
              queue: engine.queue.driver,
              concurrency,
              scheduler: opts.scheduler,
              lockMs: config.queueLockMs ?? DEFAULT_QUEUE_LOCK_MS,
              ...(engine.queue.driver === 'bullmq' ? { prefix: config.queuePrefix ?? DEFAULT_QUEUE_PREFIX } : {}),
            },
            'worker started',
          );
          output.out(
            `worker started (queue: ${engine.queue.driver}, concurrency ${concurrency}, scheduler ${opts.scheduler ? 'on' : 'off'}); stop with Ctrl-C or SIGTERM`,
          );
          const signal = await untilStopSignal();
          await presence.stop();
          hub.logger.info({ signal }, 'worker stopping: runs in flight stop at a page boundary and are handed back');
        } finally {
          await engine.close();
        }
        output.out('worker stopped');
      } finally {
        await hub.close();
      }
    });
}
