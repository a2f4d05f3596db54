import type { Command } from 'commander';
import type { DryRunReport } from '../../runner/runner-port';
import type { Json } from '../../sdk/contracts';
import { ConfigError } from '../../sdk/errors';
import type { Run } from '../../store/repos';
import { json, stdio, table, type Output } from '../output';
import { followRun, formatSummary } from '../progress';
import { withEngine, withSession, type Session } from '../session';
import type { Engine } from '../../runtime/engine';
import { liveQueueWorkers, type QueueWorkerPresence } from '../../runtime/presence';

/** How often, while a queued run waits for the hub server, the CLI checks that the server is still alive. */
const WATCH_MS = 5_000;

function describeWorker(worker: QueueWorkerPresence): string {
  return `${worker.role === 'serve' ? 'the hub server' : 'a hub worker'} (pid ${worker.pid} on ${worker.host})`;
}

const isObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describeDryRun(report: DryRunReport): string {
  const rows = report.records.map((r) => ({
    record: r.sourceKey,
    decision: r.decision,
    detail: r.reason ?? (r.payload ? JSON.stringify(r.payload) : ''),
  }));
  const tally = new Map<string, number>();
  for (const r of report.records) tally.set(r.decision, (tally.get(r.decision) ?? 0) + 1);
  return [
    table(rows, ['record', 'decision', 'detail']),
    `dry run: read ${report.read}${report.truncated ? ' (more records not shown: raise --limit)' : ''}; ${[...tally].map(([d, n]) => `${d} ${n}`).join(', ') || 'nothing to do'}; nothing was written`,
    ...(report.notes ?? []).map((note) => `note: ${note}`),
  ].join('\n');
}

/**
 * Follows a run until it finishes: live progress in a terminal, a line per status change otherwise, nothing when
 * quiet. Ctrl-C stops following (a local worker hands the run back at its checkpoint).
 */
export async function follow(
  session: Session,
  engine: Engine,
  runId: string,
  output: Output,
  options: { quiet?: boolean; watch?: (run: Run) => Promise<void> },
): Promise<{ run: Run; stopped: boolean }> {
  const tty = output === stdio && process.stdout.isTTY === true;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const final = await followRun(
      async () => {
        const run = await session.hub.repos.runs.get(runId);
        if (run === undefined) throw new ConfigError(`run ${runId} disappeared (was its flow deleted?)`);
        await options.watch?.(run);
        return run;
      },
      {
        tty,
        quiet: options.quiet === true,
        write: tty ? (text) => process.stdout.write(text) : (text) => output.out(text.replace(/\n$/, '')),
        signal: stop.signal,
        waitingHint:
          engine.queue.driver === 'bullmq'
            ? { afterMs: 5000, text: 'waiting for a worker to take the run (start one with `hub worker`)' }
            : undefined,
      },
    );
    return { run: final, stopped: stop.signal.aborted };
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

export function registerFlowsRun(flows: Command, output: Output): void {
  flows
    .command('run <flow>')
    .description(
      'Run a flow now and follow its progress. When a hub server (or worker) works this store, the run is queued for it, so its /metrics and logs see it; otherwise, or with --local, it runs in this process. Exit 1 when it fails',
    )
    .option('--local', 'run in this process even when a hub server or worker is running on this store')
    .option('--dry-run', 'show what would be written (reads up to --limit records, writes nothing)')
    .option('--limit <n>', 'records a dry run looks at', '20')
    .option('--json', 'print the final run record (or the dry-run report) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub flows run clean-contact-list\n  $ hub flows run clean-contact-list --dry-run --limit 5\n  $ hub flows run clean-contact-list --json\n  $ hub flows run clean-contact-list --local',
    )
    .action(async (ref: string, opts: { dryRun?: boolean; limit: string; json?: boolean; local?: boolean }) =>
      withSession(async (session) => {
        const flow = await session.hub.repos.flows.require(ref);
        await session.flows.validate(flow.definition);
        await withEngine(
          session,
          async (engine) => {
            if (opts.dryRun) {
              const limit = Number(opts.limit);
              if (!Number.isInteger(limit) || limit < 1)
                throw new ConfigError('--limit must be a positive whole number');
              const report = await engine.runner.dryRun(flow.id, { limit });
              output.out(opts.json ? json(report) : describeDryRun(report));
              return;
            }
            // a live hub server/worker on this store and queue works the run; else this process does
            const [remote] = opts.local ? [] : await liveQueueWorkers(session.hub);
            let local = remote === undefined;
            if (local) await engine.runner.startWorker();
            const { runId, created } = await engine.runner.startRun(flow.id, 'manual');
            if (!created && !opts.json)
              output.out(`flow ${flow.name} already has a run in progress: following ${runId}`);
            else if (remote !== undefined && !opts.json)
              output.out(`queued run ${runId} for ${describeWorker(remote)}; following it (--local runs it here)`);
            let checkedAt = Date.now();
            // the server may stop before it takes or finishes the run: then this process works it (a run it had
            // started is taken over once its lock lapses, from its checkpoint)
            const watch = async (run: Run) => {
              if (local || Date.now() - checkedAt < WATCH_MS) return;
              checkedAt = Date.now();
              if ((await liveQueueWorkers(session.hub)).length > 0) return;
              local = true;
              if (!opts.json) output.out(`the hub server stopped (run ${run.status}): this process takes the run over`);
              await engine.runner.startWorker();
            };
            const { run: final, stopped } = await follow(session, engine, runId, output, { quiet: opts.json, watch });
            if (opts.json) output.out(json(final));
            else {
              // how the source was read, when its stream says so (the file connector: encoding and delimiter)
              if (!stopped)
                for (const { value } of await session.hub.repos.checkpoints.list(flow.id))
                  if (isObject(value) && typeof value.readAs === 'string') output.out(`source read as ${value.readAs}`);
              output.out(stopped ? `stopped following run ${final.id} (${final.status})` : formatSummary(final));
            }
            if (final.status === 'failed' || final.status === 'cancelled') process.exitCode = 1;
          },
          { scheduler: false },
        );
      }),
    );
}
