import type { Command } from 'commander';
import type { DryRunReport } from '../../runner/runner-port';
import { ConfigError } from '../../sdk/errors';
import type { Run } from '../../store/repos';
import { json, stdio, table, type Output } from '../output';
import { followRun, formatSummary } from '../progress';
import { withEngine, withSession, type Session } from '../session';
import type { Engine } from '../../runtime/engine';

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
  options: { quiet?: boolean },
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
      'Run a flow now and show its progress; without HUB_REDIS_URL the run executes in this process. Exit 1 when it fails',
    )
    .option('--dry-run', 'show what would be written (reads up to --limit records, writes nothing)')
    .option('--limit <n>', 'records a dry run looks at', '20')
    .option('--json', 'print the final run record (or the dry-run report) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub flows run clean-contact-list\n  $ hub flows run clean-contact-list --dry-run --limit 5\n  $ hub flows run clean-contact-list --json',
    )
    .action(async (ref: string, opts: { dryRun?: boolean; limit: string; json?: boolean }) =>
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
            // embedded queue: nobody else may be running workers, so this process works the run itself
            if (engine.queue.driver === 'embedded') await engine.runner.startWorker();
            const { runId, created } = await engine.runner.startRun(flow.id, 'manual');
            if (!created && !opts.json)
              output.out(`flow ${flow.name} already has a run in progress: following ${runId}`);
            const { run: final, stopped } = await follow(session, engine, runId, output, { quiet: opts.json });
            if (opts.json) output.out(json(final));
            else output.out(stopped ? `stopped following run ${final.id} (${final.status})` : formatSummary(final));
            if (final.status === 'failed' || final.status === 'cancelled') process.exitCode = 1;
          },
          { scheduler: false },
        );
      }),
    );
}
