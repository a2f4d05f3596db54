import type { Command } from 'commander';
import { deadLetterHistory } from '../../flows';
import { ConfigError } from '../../sdk/errors';
import type { AuditEntry, DeadLetter, DeadLetterStatus } from '../../store/repos';
import { listFilter } from '../list-filter';
import { json, table, type Output } from '../output';
import { withEngine, withSession } from '../session';
import { follow } from './flows-run';

const STATUSES = ['pending', 'replayed', 'discarded', 'all'] as const;

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

function describeLetter(letter: DeadLetter, flowName: string, history: AuditEntry[]): string {
  const lines = [
    `dead letter ${letter.id} of flow ${flowName}: ${letter.status}`,
    `  record: ${letter.recordKey}`,
    `  reason (${letter.failureKind}): ${letter.reason}${letter.field ? ` (field: ${letter.field})` : ''}`,
    `  attempts: ${letter.attempts ?? 1}; first failed ${iso(letter.createdAt)}${letter.lastSeenAt !== undefined ? `, last failed ${iso(letter.lastSeenAt)}` : ''}`,
  ];
  if (letter.runId) lines.push(`  run: ${letter.runId} (hub runs show ${letter.runId})`);
  if (letter.mappingVersion) lines.push(`  mapping version: ${letter.mappingVersion}`);
  if (letter.replayedAt) lines.push(`  replayed: ${iso(letter.replayedAt)}`);
  if (letter.discardedAt) lines.push(`  discarded: ${iso(letter.discardedAt)}`);
  for (const entry of history) {
    const note = (entry.after as { note?: unknown } | undefined)?.note;
    lines.push(
      `  ${entry.action} by ${entry.actor} at ${iso(entry.at)}${typeof note === 'string' ? `: "${note}"` : ''}`,
    );
  }
  lines.push('source record (as read):', letter.source === undefined ? '  (none)' : json(letter.source));
  if (letter.payload !== undefined) lines.push('refused payload:', json(letter.payload));
  if (letter.status === 'pending')
    lines.push(
      `replay it with \`hub dlq replay ${letter.id}\`, or set it aside with \`hub dlq discard ${letter.id} --note "…"\``,
    );
  return lines.join('\n');
}

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
        const filter = await listFilter<DeadLetterStatus>(hub, opts, STATUSES);
        const letters = await hub.repos.deadLetters.list(filter);
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
              attempts: l.attempts,
              'last seen': iso(l.lastSeenAt),
            })),
            ['id', 'flow', 'record', 'status', 'kind', 'field', 'reason', 'created', 'attempts', 'last seen'],
          ),
        );
      }),
    );

  dlq
    .command('show <id>')
    .description('Show a dead letter: the reason, attempts, the source record, the refused payload and its history')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub dlq show dlq_01J…\n  $ hub dlq show dlq_01J… --json')
    .action(async (id: string, opts: { json?: boolean }) =>
      withSession(async ({ hub }) => {
        const letter = await hub.repos.deadLetters.get(id);
        if (letter === undefined)
          throw new ConfigError(`no dead letter with id "${id}"; see \`hub dlq list\``, { field: 'id' });
        const flow = await hub.repos.flows.get(letter.flowId);
        const history = await deadLetterHistory(hub.repos, letter.id);
        output.out(
          opts.json
            ? json({ ...letter, flowName: flow?.name, history })
            : describeLetter(letter, flow?.name ?? letter.flowId, history),
        );
      }),
    );

  dlq
    .command('discard [ids...]')
    .description(
      'Set dead letters aside for good (by id, or every pending one of --flow), with a note saying why; audited',
    )
    .requiredOption('--note <text>', 'why they are set aside (kept in the audit log and shown by `hub dlq show`)')
    .option('--flow <flow>', 'discard every pending dead letter of this flow')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub dlq discard dlq_01J… --note "test record, not a customer"\n  $ hub dlq discard --flow clean-contact-list --note "old export, replaced by the March file"',
    )
    .action(async (ids: string[], opts: { note: string; flow?: string; json?: boolean }) =>
      withSession(async ({ hub, flows: service }) => {
        if (ids.length > 0 === (opts.flow !== undefined))
          throw new ConfigError('give dead-letter ids or --flow <flow> (one of the two)', { field: 'ids' });
        const selector = opts.flow !== undefined ? { flowId: (await hub.repos.flows.require(opts.flow)).id } : { ids };
        const report = await service.discardDeadLetters(selector, opts.note, { actor: 'cli' });
        output.out(
          opts.json
            ? json(report)
            : `discarded ${report.discarded} dead letter(s)${report.discarded > 0 ? ` with the note "${report.note}"` : ''}; they stay in the ledger as discarded (hub dlq list --status discarded)`,
        );
      }),
    );

  dlq
    .command('replay [ids...]')
    .description(
      'Replay dead letters (by id, or every pending one of --flow) through the current mapping; the records are read again from the source when it can (a file row by its line, a vendor record by its id), so a fixed connection or fixed data is picked up. Exit 1 when nothing could be fixed',
    )
    .option('--flow <flow>', 'replay every pending dead letter of this flow')
    .option('--from-stored', 'map the stored copies of the records instead of reading them again from the source')
    .option('--json', 'print the replay report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub dlq replay dlq_01J…\n  $ hub dlq replay --flow clean-contact-list\n  $ hub dlq replay --flow clean-contact-list --from-stored',
    )
    .action(async (ids: string[], opts: { flow?: string; fromStored?: boolean; json?: boolean }) =>
      withSession(async (session) => {
        const { hub } = session;
        if (ids.length > 0 === (opts.flow !== undefined))
          throw new ConfigError('give dead-letter ids or --flow <flow> (one of the two)', { field: 'ids' });
        let selector: { ids?: string[]; flowId?: string; fromStored?: boolean };
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
            const report = await engine.runner.replayDeadLetters({ ...selector, fromStored: opts.fromStored === true });
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
              if (report.replayed === 0 && report.stillFailing.length === 0 && report.runId === undefined)
                output.out('nothing to replay: no pending dead letters');
            }
            // a replay that fixed nothing is a failure: the letters are still there, with the reasons to read
            if (report.replayed === 0 && report.stillFailing.length > 0) {
              process.exitCode = 1;
              if (!opts.json)
                output.err(
                  'nothing was fixed: read the reasons with `hub dlq list`, fix the data, the connection or the mapping, then replay again',
                );
            }
          },
          { scheduler: false },
        );
      }),
    );
}
