import type { Command } from 'commander';
import type { FlowDeletion, FlowReset } from '../../flows';
import { ConfigError } from '../../sdk/errors';
import { json, type Output } from '../output';
import { withSession } from '../session';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--from`: an ISO date/time ("2026-01-31", "2026-01-31T12:00:00Z") or a span back from now ("90m", "6h", "7d"). */
export function parseFrom(value: string, now: number = Date.now()): number {
  const span = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (span) return now - Number(span[1]) * UNITS[span[2]];
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw new ConfigError(
      `--from ${value}: expected an ISO date or time (2026-01-31, 2026-01-31T12:00:00Z) or a span back from now (90m, 6h, 7d)`,
      { field: '--from' },
    );
  return at;
}

export function describeReset(reset: FlowReset): string {
  const name = reset.flow.name;
  return [
    reset.from === undefined
      ? `reset flow ${name}: checkpoint discarded (${reset.clearedCheckpoints} cleared); the next run reads everything from ${reset.stream} again`
      : `reset flow ${name}: the next run reads what changed in ${reset.stream} since ${reset.from} (a stream that cannot read from a time reads everything)`,
    'records already delivered and unchanged are recognised by their links and not written again.',
    `run it now: hub flows run ${name}`,
  ].join('\n');
}

export function describeDeletion(deletion: FlowDeletion): string {
  const { links } = deletion;
  return [
    `deleted flow ${deletion.flow.name} (${deletion.flow.id}) with its ${deletion.runs} run(s), ${deletion.deadLetters} dead letter(s) and ${deletion.checkpoints} checkpoint(s)`,
    links.kept
      ? `its ${links.count} record link(s) (link group ${links.linkGroup}) are kept: flow(s) ${links.keptFor?.join(', ')} still use them`
      : `its ${links.count} record link(s) (link group ${links.linkGroup}) were deleted: no other flow uses them`,
    'its connections are untouched; remove one no flow uses with `hub connections remove <connection>`',
  ].join('\n');
}

/** `hub flows reset` and `hub flows delete`: start a flow over, or remove it with what it owns. */
export function registerFlowsMaintain(flows: Command, output: Output): void {
  flows
    .command('reset <flow>')
    .description(
      'Discard the checkpoint so the next run reads everything again (or, with --from, what changed since then); links keep that rerun write-free',
    )
    .option('--from <time>', 'read from this time instead of the start: ISO date/time, or 90m / 6h / 7d back')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub flows reset clean-contact-list\n  $ hub flows reset hubspot-contacts-to-mailchimp --from 2026-01-31\n  $ hub flows reset hubspot-contacts-to-mailchimp --from 7d',
    )
    .action(async (ref: string, opts: { from?: string; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const from = opts.from === undefined ? undefined : parseFrom(opts.from);
        const reset = await service.reset(ref, { actor: 'cli', ...(from === undefined ? {} : { from }) });
        output.out(opts.json ? json(reset) : describeReset(reset));
      }),
    );

  flows
    .command('delete <flow>')
    .description(
      'Delete a flow with its runs, dead letters and checkpoints (record links stay while the other flow of its sync pair uses them)',
    )
    .option('--force', 'delete even while a run is queued or running (the run is abandoned)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub flows delete clean-contact-list\n  $ hub flows delete my-flow --json')
    .action(async (ref: string, opts: { force?: boolean; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const deletion = await service.remove(ref, { actor: 'cli', force: opts.force === true });
        output.out(opts.json ? json(deletion) : describeDeletion(deletion));
      }),
    );
}
