import type { Command } from 'commander';
import { ConfigError } from '../../sdk/errors';
import type { Run, RunFailure, RunStatus } from '../../store/repos';
import { json, table, type Output } from '../output';
import { formatDuration, written } from '../progress';
import { withSession } from '../session';

const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'];

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} must be a positive whole number`, { field: flag });
  return n;
}

/** How long the run waited in the queue and how long it ran (ms), when known. */
export function durations(run: Run): { queuedMs?: number; runningMs?: number } {
  const result: { queuedMs?: number; runningMs?: number } = {};
  if (run.startedAt !== undefined) result.queuedMs = run.startedAt - run.createdAt;
  if (run.startedAt !== undefined && run.finishedAt !== undefined) result.runningMs = run.finishedAt - run.startedAt;
  return result;
}

function describeRun(run: Run, flowName: string, failures: RunFailure[], more: boolean): string {
  const { queuedMs, runningMs } = durations(run);
  const c = run.counts;
  const lines = [
    `run ${run.id} of flow ${flowName}: ${run.status} (trigger: ${run.trigger})`,
    `  created ${iso(run.createdAt)}${run.startedAt ? `, started ${iso(run.startedAt)}` : ''}${run.finishedAt ? `, finished ${iso(run.finishedAt)}` : ''}`,
    `  waited ${queuedMs === undefined ? '-' : formatDuration(queuedMs)}, ran ${runningMs === undefined ? '-' : formatDuration(runningMs)}`,
    `  read ${c.read}, unchanged ${c.unchanged}, created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, failed ${c.failed}, dead-lettered ${c.deadLettered}`,
  ];
  const duplicates = failures.filter((f) => f.failureKind === 'duplicate').length;
  if (duplicates > 0)
    lines.push(
      `  duplicates: ${duplicates}${more ? '+' : ''} (resolve to the same target record as a newer source record; not written)`,
    );
  const review = failures.filter((f) => f.failureKind === 'review').length;
  if (review > 0)
    lines.push(
      `  manual review: ${review}${more ? '+' : ''} (the connector could not confirm the write; not counted as written or failed — see \`hub runs review\`)`,
    );
  if (run.error)
    lines.push(
      `  error (${run.error.kind}): ${run.error.message}${run.error.field ? ` (field: ${run.error.field})` : ''}`,
    );
  if (failures.length > 0) {
    lines.push(
      'failures:',
      table(
        failures.map((f) => ({ record: f.recordKey, kind: f.failureKind, field: f.field, reason: f.reason })),
        ['record', 'kind', 'field', 'reason'],
      ),
    );
    if (more) lines.push(`(first ${failures.length} shown; raise --failures to see more)`);
  }
  return lines.join('\n');
}

export function registerRuns(program: Command, output: Output): void {
  const runs = program.command('runs').description('Runs of flows: counts, timings and per-record failures');

  runs
    .command('list')
    .description('List recent runs, newest first')
    .option('--flow <flow>', 'only the runs of this flow (name or id)')
    .option('--status <status>', `only runs with this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub runs list --flow clean-contact-list\n  $ hub runs list --status failed --json',
    )
    .action(async (opts: { flow?: string; status?: string; limit: string; json?: boolean }) =>
      withSession(async ({ hub }) => {
        if (opts.status !== undefined && !STATUSES.includes(opts.status as RunStatus))
          throw new ConfigError(`--status must be one of ${STATUSES.join(', ')}`, { field: '--status' });
        const flowId = opts.flow === undefined ? undefined : (await hub.repos.flows.require(opts.flow)).id;
        const list = await hub.repos.runs.list({
          flowId,
          status: opts.status as RunStatus | undefined,
          limit: positive(opts.limit, '--limit'),
        });
        if (opts.json) return output.out(json(list));
        const names = new Map((await hub.repos.flows.list()).map((f) => [f.id, f.name]));
        output.out(
          table(
            list.map((r) => ({
              run: r.id,
              flow: names.get(r.flowId) ?? r.flowId,
              status: r.status,
              trigger: r.trigger,
              read: r.counts.read,
              written: written(r),
              failed: r.counts.failed,
              created: iso(r.createdAt),
            })),
            ['run', 'flow', 'status', 'trigger', 'read', 'written', 'failed', 'created'],
          ),
        );
      }),
    );

  runs
    .command('show <run>')
    .description('Show a run: status, counts, durations and the records that failed')
    .option('--failures <n>', 'how many failures to show', '50')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub runs show run_01J…\n  $ hub runs show run_01J… --json')
    .action(async (id: string, opts: { failures: string; json?: boolean }) =>
      withSession(async ({ hub }) => {
        const run = await hub.repos.runs.get(id);
        if (run === undefined)
          throw new ConfigError(`no run with id "${id}"; see \`hub runs list\` or \`hub flows status <flow>\``, {
            field: 'run',
          });
        const limit = positive(opts.failures, '--failures');
        const failures = await hub.repos.runs.failures(run.id, { limit: limit + 1 });
        const more = failures.length > limit;
        const shown = failures.slice(0, limit);
        const flow = await hub.repos.flows.get(run.flowId);
        if (opts.json) {
          output.out(
            json({ ...run, flowName: flow?.name, durations: durations(run), failures: shown, moreFailures: more }),
          );
        } else output.out(describeRun(run, flow?.name ?? run.flowId, shown, more));
      }),
    );
}
