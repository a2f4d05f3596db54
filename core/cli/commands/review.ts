import type { Command } from 'commander';
import {
  ReviewItemNotFoundError,
  ReviewItemNotLinkableError,
  ReviewItemResolvedError,
  resolveReviewItem,
  type ReviewResolution,
} from '../../runner/review';
import { ConfigError } from '../../sdk/errors';
import type { ReviewStatus } from '../../store/repos';
import { listFilter } from '../list-filter';
import { json, table, type Output } from '../output';
import { withEngine, withSession } from '../session';

/**
 * `hub runs review`: records of non-idempotent writes (actions declared `idempotent: false`) that were in flight
 * when a worker stopped. The hub never sends them again by itself; a person checks the target system and resolves
 * each one as done (it was applied) or retry (it was not: it is written again now).
 */

const STATUSES = ['open', 'done', 'retry', 'all'] as const;
const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

async function resolve(
  output: Output,
  id: string,
  as: ReviewResolution,
  asJson: boolean,
  targetId?: string,
): Promise<void> {
  await withSession(async (session) =>
    withEngine(
      session,
      async (engine) => {
        if (as === 'retry' && engine.queue.driver === 'embedded') await engine.runner.startWorker();
        try {
          const result = await resolveReviewItem(
            { repos: session.hub.repos, runner: engine.runner },
            id,
            as,
            targetId === undefined ? {} : { targetId },
          );
          if (asJson) return output.out(json(result));
          if (as === 'done')
            output.out(
              `review item ${id} resolved as done: record ${result.item.recordKey} is ${targetId === undefined ? 'not sent again' : `linked to target record ${targetId} and not sent again`}`,
            );
          else
            output.out(
              `review item ${id}: record ${result.item.recordKey} retried — written ${result.replay?.written ?? 0}${result.replay?.stillFailing.length ? ', still failing (see `hub dlq list`)' : ''}`,
            );
        } catch (error) {
          if (error instanceof ReviewItemNotFoundError)
            throw new ConfigError(`no review item with id "${id}"; see \`hub runs review list\``, { field: 'id' });
          if (error instanceof ReviewItemResolvedError) throw new ConfigError(error.message, { field: 'id' });
          if (error instanceof ReviewItemNotLinkableError)
            throw new ConfigError(error.message, { field: '--target-id' });
          throw error;
        }
      },
      { scheduler: false },
    ),
  );
}

export function registerReview(program: Command, output: Output): void {
  const runs = program.commands.find((c) => c.name() === 'runs') ?? program.command('runs');
  const review = runs
    .command('review')
    .description(
      'Records of non-idempotent writes interrupted by a crash, and writes a connector could not confirm: never re-sent by themselves; resolve each as done or retry',
    );

  review
    .command('list', { isDefault: true })
    .description('List review items (open ones unless --status says otherwise), oldest first')
    .option('--flow <flow>', 'only those of this flow (name or id)')
    .option('--status <status>', STATUSES.join(', '), 'open')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print JSON (with the source record and the payload that was being written)')
    .addHelpText('after', '\nExamples:\n  $ hub runs review\n  $ hub runs review list --flow erp-orders --json')
    .action(async (opts: { flow?: string; status: string; limit: string; json?: boolean }) =>
      withSession(async ({ hub }) => {
        const filter = await listFilter<ReviewStatus>(hub, opts, STATUSES);
        const items = await hub.repos.reviewItems.list(filter);
        // as the API shows them: whether "done" may name the target record, not what linking it needs
        if (opts.json)
          return output.out(json(items.map(({ link, ...item }) => ({ ...item, linkable: link !== undefined }))));
        if (items.length === 0) return output.out(`no review items (${opts.status})`);
        const names = new Map((await hub.repos.flows.list()).map((f) => [f.id, f.name]));
        output.out(
          table(
            items.map((i) => ({
              id: i.id,
              flow: names.get(i.flowId) ?? i.flowId,
              record: i.recordKey,
              action: i.action,
              status: i.status,
              run: i.runId,
              created: iso(i.createdAt),
            })),
            ['id', 'flow', 'record', 'action', 'status', 'run', 'created'],
          ),
        );
        if (filter.status === 'open')
          output.out(
            'check each record in the target system, then `hub runs review done <id>` (it was applied) or `hub runs review retry <id>` (it was not)',
          );
      }),
    );

  review
    .command('done <id>')
    .description('The write was applied: resolve the item; the record is not sent again (until it changes)')
    .option(
      '--target-id <id>',
      'the record found in the target system (e.g. the Odoo order id): links the record to it, as a confirmed write would',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub runs review done rev_01J…\n  $ hub runs review done rev_01J… --target-id 42',
    )
    .action((id: string, opts: { json?: boolean; targetId?: string }) =>
      resolve(output, id, 'done', opts.json === true, opts.targetId),
    );

  review
    .command('retry <id>')
    .description('The write was not applied: send the record again now (through the dead-letter ledger)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub runs review retry rev_01J…')
    .action((id: string, opts: { json?: boolean }) => resolve(output, id, 'retry', opts.json === true));
}
