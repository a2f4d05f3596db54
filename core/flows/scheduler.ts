import type { FlowRunner } from '../runner/runner-port';
import type { Repos, StoredFlow } from '../store/repos';
import { isScheduleTrigger, latestSlot } from './cron';
import { definitionOf } from './service';

export interface SchedulerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SchedulerDeps {
  repos: Pick<Repos, 'flows' | 'runs'>;
  runner: Pick<FlowRunner, 'startRun'>;
  logger?: SchedulerLogger;
  /** The clock (epoch ms); tests inject one. */
  now?: () => number;
  /** How often to look for due flows. Default 1000 ms. */
  intervalMs?: number;
}

/** One flow the scheduler started (or found already running) on a tick. */
export interface ScheduledStart {
  flowId: string;
  flowName: string;
  /** The cron slot (epoch ms) the run is for. */
  slot: number;
  runId: string;
  created: boolean;
}

export interface Scheduler {
  start(): void;
  /** Stops the loop and waits for a tick in progress. */
  stop(): Promise<void>;
  /** Looks once for due flows and starts them; what `start()` does every interval. */
  tick(): Promise<ScheduledStart[]>;
}

const silent: SchedulerLogger = { debug() {}, info() {}, warn() {} };

/**
 * Starts the runs of enabled schedule flows when they are due. A tick at time `now` is due for the latest cron slot
 * at or before `now` (in the trigger's time zone). The slot is deterministic, so every process running a scheduler
 * computes the same one; a slot counts as served when the flow has a run created at or after it, and startRun is
 * idempotent per flow — two processes ticking together start one run. A slot missed while no scheduler ran is
 * served once on the next tick; slots before the flow was last changed (enabled) are not.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? Date.now;
  const log = deps.logger ?? silent;
  const intervalMs = deps.intervalMs ?? 1000;
  /** Flow id → the latest slot this process knows is served (saves a query per tick). */
  const served = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  const dueSlot = (flow: StoredFlow, at: number): number | undefined => {
    const trigger = definitionOf(flow).trigger;
    if (!isScheduleTrigger(trigger)) return undefined;
    let slot: number | undefined;
    try {
      slot = latestSlot(trigger, at);
    } catch (error) {
      log.warn(
        { flow: flow.name, err: error instanceof Error ? error.message : String(error) },
        'schedule does not parse',
      );
      return undefined;
    }
    if (slot === undefined || slot < flow.updatedAt) return undefined;
    if ((served.get(flow.id) ?? -Infinity) >= slot) return undefined;
    return slot;
  };

  const tick = async (): Promise<ScheduledStart[]> => {
    const at = now();
    const started: ScheduledStart[] = [];
    for (const flow of await deps.repos.flows.list({ enabled: true })) {
      const slot = dueSlot(flow, at);
      if (slot === undefined) continue;
      const recent = await deps.repos.runs.list({ flowId: flow.id, limit: 1 });
      if (recent[0] !== undefined && recent[0].createdAt >= slot) {
        served.set(flow.id, slot);
        continue;
      }
      try {
        const { runId, created } = await deps.runner.startRun(flow.id, 'schedule');
        served.set(flow.id, slot);
        started.push({ flowId: flow.id, flowName: flow.name, slot, runId, created });
        log.info(
          { flow: flow.name, runId, slot: new Date(slot).toISOString(), created },
          created ? 'scheduled run started' : 'scheduled run already queued or running',
        );
      } catch (error) {
        log.warn(
          { flow: flow.name, err: error instanceof Error ? error.message : String(error) },
          'scheduled run not started',
        );
      }
    }
    return started;
  };

  const loop = (): void => {
    if (stopped) return;
    running = tick()
      .catch((error: unknown) =>
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'scheduler tick failed'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      log.debug({ intervalMs }, 'scheduler started');
      loop();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    tick,
  };
}
