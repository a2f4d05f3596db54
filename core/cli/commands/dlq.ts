import type { Command } from 'commander';
import { ConfigError } from '../../sdk/errors';
import type { DeadLetterStatus } from '../../store/repos';
import { json, table, type Output } from '../output';
import { withEngine, withSession } from '../session';
import { follow } from './flows-run';

const STATUSES = ['pending', 'replayed', 'discarded', 'all'] as const;

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

export function registerDlq(program: Command, output: Output): void {
  const dlq = program
    .command('dlq')
    .description('The dead-letter ledger: records a flow could not deliver, with the reason; replay them');

  dlq
    .command('list')
    .description('List dead letters, newest first (pending ones unless --status says otherwise)')
    .option('--flow <flow>', 'only the dead letters of this flow (name or id)')
    .option('--status <status>', `${STATUSES.join(', ')}`, 'pending')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON (includes the source record and refused payload)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub dlq list --flow clean-contact-list\n  $ hub dlq list --status all --json',
    )
    .action(async (opts: { flow?: string; status: string; limit: string; json?: boolean }) =>
      withSession(async ({ hub }) => {
        if (!(STATUSES as readonly string[]).includes(opts.status))
          throw new ConfigError(`--status must be one of ${STATUSES.join(', ')}`, { field: '--status' });
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new ConfigError('--limit must be a positive whole number');
        const flowId = opts.flow === undefined ? undefined : (await hub.repos.flows.require(opts.flow)).id;
        const status = opts.status === 'all' ? undefined : (opts.status as DeadLetterStatus);
        const letters = await hub.repos.deadLetters.list({ flowId, status, limit });
        if (opts.json) return output.out(json(letters));
        const names = new Map((await hub.repos.flows.list()).map((f) => [f.id, f.name]));
        output.out(
          table(
            letters.map((l) => ({
              id: l.id,
              flow: names.get(l.flowId) ?? l.flowId,
              record: l.recordKey,
              status: l.status,
              kind: l.failureKind,
              field: l.field,
              reason: l.reason,
              created: iso(l.createdAt),
            })),
            ['id', 'flow', 'record', 'status', 'kind', 'field', 'reason', 'created'],
          ),
        );
      }),
    );

  dlq
    .command('replay [ids...]')
    .description('Replay dead letters (by id, or every pending one of --flow) through the current mapping')
    .option('--flow <flow>', 'replay every pending dead letter of this flow')
    .option('--json', 'print the replay report as JSON')
    .addHelpText('after', '\nExamples:\n  $ hub dlq replay dlq_01J…\n  $ hub dlq replay --flow clean-contact-list')
    .action(async (ids: string[], opts: { flow?: string; json?: boolean }) =>
      withSession(async (session) => {
        const { hub } = session;
        if (ids.length > 0 === (opts.flow !== undefined))
          throw new ConfigError('give dead-letter ids or --flow <flow> (one of the two)', { field: 'ids' });
        let selector: { ids?: string[]; flowId?: string };
        if (opts.flow !== undefined) selector = { flowId: (await hub.repos.flows.require(opts.flow)).id };
        else {
          for (const id of ids) {
            const letter = await hub.repos.deadLetters.get(id);
            if (letter === undefined) throw new ConfigError(`no dead letter with id "${id}"; see \`hub dlq list\``);
            if (letter.status !== 'pending') throw new ConfigError(`dead letter ${id} is already ${letter.status}`);
          }
          selector = { ids };
        }
        await withEngine(
          session,
          async (engine) => {
            if (engine.queue.driver === 'embedded') await engine.runner.startWorker();
            const report = await engine.runner.replayDeadLetters(selector);
            let runStatus: string | undefined;
            if (report.runId !== undefined) {
              const { run } = await follow(session, engine, report.runId, output, { quiet: true });
              runStatus = run.status;
              if (run.status === 'failed') process.exitCode = 1;
            }
            if (opts.json) output.out(json(report));
            else {
              output.out(
                `replayed ${report.replayed}, written ${report.written}, still failing ${report.stillFailing.length}${runStatus ? ` (run ${report.runId} ${runStatus})` : ''}`,
              );
              if (report.stillFailing.length > 0)
                output.out(`still failing (kept in the ledger with the new reason): ${report.stillFailing.join(', ')}`);
            }
          },
          { scheduler: false },
        );
      }),
    );
}
