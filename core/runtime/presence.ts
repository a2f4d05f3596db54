import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { DEFAULT_QUEUE_PREFIX } from '../queue';
import type { Hub } from './hub';

/**
 * Who works the run queue of this store right now. `hub serve` (with its worker) and `hub worker` write a heartbeat
 * row in the store's meta table every few seconds and remove it when they stop; `hub flows run` reads the rows to
 * decide whether to queue a run for them (so the server's /metrics and logs see it) or to run it in-process.
 * A row in the store, not a port probe: it finds workers on other machines and never mistakes another program on
 * a guessed port for a hub. A killed process stops beating, and its row counts as gone after STALE_MS.
 */

export const PRESENCE_PREFIX = 'presence.queue-worker.';
export const BEAT_MS = 5_000;
/** A row older than this is a process that died without saying so (generous: clocks of machines differ). */
export const STALE_MS = 20_000;

export type QueueDriver = 'embedded' | 'bullmq';

export interface QueueWorkerPresence {
  id: string;
  role: 'serve' | 'worker';
  pid: number;
  host: string;
  /** Where its jobs come from: `store` (embedded queue), or the Redis address and key prefix (never a password). */
  queue: string;
  startedAt: number;
  beatAt: number;
}

/** The queue this process would use, named so two processes on the same queue name it alike. */
export function queueIdentity(config: Hub['config']): string {
  if (config.redisUrl === undefined) return 'store';
  let where: string;
  try {
    const url = new URL(config.redisUrl);
    where = `${url.hostname}:${url.port || '6379'}${url.pathname && url.pathname !== '/' ? url.pathname : '/0'}`;
  } catch {
    where = 'redis';
  }
  return `bullmq ${where} ${config.queuePrefix ?? DEFAULT_QUEUE_PREFIX}`;
}

export interface PresenceHandle {
  readonly id: string;
  stop(): Promise<void>;
}

/** Starts beating for this process; `stop()` removes the row (a graceful stop is seen at once). */
export async function announceQueueWorker(
  hub: Hub,
  role: QueueWorkerPresence['role'],
  options: { beatMs?: number; now?: () => number } = {},
): Promise<PresenceHandle> {
  const now = options.now ?? Date.now;
  const started = now();
  const presence: QueueWorkerPresence = {
    id: randomUUID(),
    role,
    pid: process.pid,
    host: os.hostname(),
    queue: queueIdentity(hub.config),
    startedAt: started,
    beatAt: started,
  };
  const key = `${PRESENCE_PREFIX}${presence.id}`;
  const beat = async () => {
    presence.beatAt = now();
    await hub.repos.meta.set(key, JSON.stringify(presence), presence.beatAt);
  };
  await beat();
  const timer = setInterval(() => {
    beat().catch((error: unknown) =>
      hub.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'presence heartbeat failed'),
    );
  }, options.beatMs ?? BEAT_MS);
  timer.unref();
  return {
    id: presence.id,
    async stop() {
      clearInterval(timer);
      await hub.repos.meta.delete(key).catch(() => undefined);
    },
  };
}

function parse(value: string): QueueWorkerPresence | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<QueueWorkerPresence>;
    return typeof parsed.beatAt === 'number' && typeof parsed.queue === 'string'
      ? (parsed as QueueWorkerPresence)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The live processes working the same queue as this configuration would, servers first. */
export async function liveQueueWorkers(
  hub: Hub,
  options: { now?: number; staleMs?: number } = {},
): Promise<QueueWorkerPresence[]> {
  const now = options.now ?? Date.now();
  const queue = queueIdentity(hub.config);
  const rows = await hub.repos.meta.list(PRESENCE_PREFIX);
  const found: QueueWorkerPresence[] = [];
  for (const row of rows) {
    const presence = parse(row.value);
    // rows of processes killed long ago (no graceful stop) are tidied away by whoever reads them
    if (presence === undefined || now - presence.beatAt > 100 * STALE_MS) await hub.repos.meta.delete(row.key);
    else found.push(presence);
  }
  return found
    .filter((p) => p.queue === queue && now - p.beatAt <= (options.staleMs ?? STALE_MS))
    .sort((a, b) => (a.role === b.role ? b.beatAt - a.beatAt : a.role === 'serve' ? -1 : 1));
}
