import type { Command } from 'commander';
import {
  definitionOf,
  describeTrigger,
  findTemplate,
  formatRunTime,
  type FlowSchedule,
  type FlowService,
  type FlowStatus,
  type FlowTemplate,
} from '../../flows';
import { ConfigError } from '../../sdk/errors';
import type { StoredFlow } from '../../store/repos';
import { json, table, type Output } from '../output';
import { formatDuration, written } from '../progress';
import { readJsonFile } from '../settings-input';
import { withSession } from '../session';
import { registerFlowsMaintain } from './flows-maintain';
import { registerFlowsRun } from './flows-run';

const readDefinition = (file: string): unknown => readJsonFile(file, '--file');

/** "  hubspot-contacts-to-mailchimp runs every 15 minutes; first run at 03:15 UTC". */
export function describeSchedule(schedule: FlowSchedule): string {
  const first =
    schedule.firstRunAt === undefined ? '' : `; first run at ${formatRunTime(schedule.firstRunAt, schedule.timezone)}`;
  return `  ${schedule.flow} ${schedule.words}${first}`;
}

const STOP_FLOW = 'stop the schedule with `hub flows disable <flow>`, or change its trigger with `hub flows update`';
const CHOOSE_SCHEDULE =
  'to choose: `hub flows disable <flow>`, or enable with `--schedule manual` or `--schedule "<cron>"` instead';

function scheduleLines(service: FlowService, flows: StoredFlow[], fix: string): string[] {
  const lines = flows.map((f) => describeSchedule(service.schedule(f)));
  if (flows.some((f) => f.enabled && definitionOf(f).trigger?.type === 'schedule')) lines.push(fix);
  return lines;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--connection role=name` pairs → { role: name }. */
export function parseConnections(pairs: string[]): Record<string, string> {
  const connections: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new ConfigError(
        `--connection ${pair}: expected role=connection-name, e.g. --connection contacts=my-files`,
        {
          field: '--connection',
        },
      );
    }
    connections[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return connections;
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

function triggerText(flow: StoredFlow): string {
  const trigger = definitionOf(flow).trigger;
  if (trigger?.type !== 'schedule') return trigger?.type ?? '';
  return `cron "${trigger.cron}"${trigger.timezone ? ` ${trigger.timezone}` : ''}`;
}

function flowRow(flow: StoredFlow): Record<string, unknown> {
  const d = definitionOf(flow);
  return {
    name: flow.name,
    enabled: flow.enabled ? 'yes' : 'no',
    trigger: triggerText(flow),
    source: `${d.source?.connection}/${d.source?.stream}`,
    mapping: d.mapping?.id,
    target: `${d.target?.connection}/${d.target?.action}`,
    mode: d.mode,
    template: flow.template,
  };
}

function describeFlow(flow: StoredFlow): string {
  const lines = [
    `flow ${flow.name} (${flow.id}): ${flow.enabled ? 'enabled' : 'disabled'}`,
    ...Object.entries(flowRow(flow))
      .filter(([key, value]) => !['name', 'enabled'].includes(key) && value !== undefined)
      .map(([key, value]) => `  ${key}: ${String(value)}`),
  ];
  if (flow.linkGroup) lines.push(`  link group: ${flow.linkGroup}`);
  lines.push(`  updated: ${iso(flow.updatedAt)}`, 'definition:', json(flow.definition));
  return lines.join('\n');
}

function describeStatus(status: FlowStatus): string {
  const { flow } = status;
  const lines = [
    `flow ${flow.name}: ${flow.enabled ? `enabled, ${describeTrigger(definitionOf(flow).trigger)}` : 'disabled'}`,
  ];
  if (status.nextRunAt !== undefined) lines.push(`next run: ${iso(status.nextRunAt)}`);
  lines.push(
    `last ${status.runs.length} run(s):`,
    table(
      status.runs.map((r) => ({
        run: r.id,
        status: r.status,
        trigger: r.trigger,
        read: r.counts.read,
        written: written(r),
        failed: r.counts.failed,
        started: iso(r.startedAt),
        took: r.startedAt !== undefined && r.finishedAt !== undefined ? formatDuration(r.finishedAt - r.startedAt) : '',
      })),
      ['run', 'status', 'trigger', 'read', 'written', 'failed', 'started', 'took'],
    ),
  );
  const t = status.totals;
  if (status.runs.length > 0)
    lines.push(
      `totals: read ${t.read}, unchanged ${t.unchanged}, created ${t.created}, updated ${t.updated}, deleted ${t.deleted}, failed ${t.failed}`,
    );
  lines.push(
    `pending dead letters: ${status.pendingDeadLetters}${status.pendingDeadLetters > 0 ? ` (hub dlq list --flow ${flow.name})` : ''}`,
  );
  return lines.join('\n');
}

function describeTemplate(template: FlowTemplate): string {
  const roles = Object.entries(template.roles);
  return [
    `${template.name} — ${template.title}`,
    `  ${template.description}`,
    '  connections it needs:',
    ...roles.map(([role, r]) => `    ${role} (${r.connector}): ${r.description}`),
    `  flows: ${template.flows.map((f) => f.name).join(', ')}${template.syncPair ? ' (a sync pair)' : ''}`,
    `  enable: hub flows enable ${template.name} ${roles.map(([role]) => `--connection ${role}=<name>`).join(' ')}`,
  ].join('\n');
}

export function registerFlows(program: Command, output: Output): void {
  const flows = program
    .command('flows')
    .description('Flows: source → mapping → target, with templates, schedules and runs');

  flows
    .command('list')
    .description('List flows with their trigger, source, mapping and target')
    .option('--enabled', 'only enabled flows')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub flows list\n  $ hub flows list --enabled --json')
    .action(async (opts: { enabled?: boolean; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const list = await service.list(opts.enabled ? { enabled: true } : {});
        output.out(
          opts.json
            ? json(list)
            : table(list.map(flowRow), [
                'name',
                'enabled',
                'trigger',
                'source',
                'mapping',
                'target',
                'mode',
                'template',
              ]),
        );
      }),
    );

  flows
    .command('show <flow>')
    .description('Show a flow (by name or id) with its definition')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub flows show clean-contact-list --json')
    .action(async (ref: string, opts: { json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const flow = await service.show(ref);
        output.out(opts.json ? json(flow) : describeFlow(flow));
      }),
    );

  flows
    .command('create')
    .description('Create a flow from a JSON definition (checked against connections, connectors and mappings)')
    .requiredOption('--file <flow.json>', 'the flow definition')
    .option('--enable', 'enable the flow right away')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub flows create --file flows/my-flow.json\n  $ hub flows create --file my-flow.json --enable',
    )
    .action(async (opts: { file: string; enable?: boolean; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const created = await service.create(readDefinition(opts.file), { enabled: opts.enable ?? false });
        output.out(
          opts.json
            ? json(created)
            : `created flow ${created.name} (${created.id})${created.enabled ? ', enabled' : `; enable it with: hub flows enable ${created.name}`}`,
        );
      }),
    );

  flows
    .command('update <flow>')
    .description('Replace the definition of a flow (it is checked like a new one)')
    .requiredOption('--file <flow.json>', 'the new flow definition')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub flows update clean-contact-list --file clean-contact-list.json')
    .action(async (ref: string, opts: { file: string; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const updated = await service.update(ref, readDefinition(opts.file));
        output.out(opts.json ? json(updated) : `updated flow ${updated.name} (${updated.id})`);
      }),
    );

  flows
    .command('enable <flow-or-template>')
    .description('Enable a flow, or create and enable the flows of a template with a connection per role')
    .option('--connection <role=name>', 'connection for a template role (repeat for each role)', collect, [])
    .option('--name-prefix <prefix>', 'prefix for the flow names (to enable a template more than once)')
    .option(
      '--schedule <manual|cron>',
      "template: when its flows run: manual (only `hub flows run`), or a cron expression (default: the template's)",
    )
    .option('--timezone <zone>', 'template: IANA time zone of a --schedule cron (default UTC)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub flows enable clean-contact-list --connection contacts=crm-export --connection cleaned=clean-files\n  $ hub flows enable clean-contact-list --connection contacts=eu --connection cleaned=eu-out --name-prefix eu\n  $ hub flows enable hubspot-mailchimp-contacts --connection hubspot=crm --connection mailchimp=news --schedule manual\n  $ hub flows enable hubspot-mailchimp-contacts --connection hubspot=crm --connection mailchimp=news --schedule "0 6 * * *" --timezone Europe/Moscow\n  $ hub flows enable my-flow',
    )
    .action(
      async (
        ref: string,
        opts: { connection: string[]; namePrefix?: string; schedule?: string; timezone?: string; json?: boolean },
      ) =>
        withSession(async ({ hub, flows: service }) => {
          const connections = parseConnections(opts.connection);
          const forTemplate =
            opts.connection.length > 0 ||
            opts.namePrefix !== undefined ||
            opts.schedule !== undefined ||
            opts.timezone !== undefined;
          const flow = await hub.repos.flows.get(ref);
          if (flow !== undefined && (!forTemplate || findTemplate(hub.config.flowsDir, ref) === undefined)) {
            if (forTemplate)
              throw new ConfigError(
                `${ref} is a flow, not a template: --connection, --name-prefix and --schedule apply to templates (change a flow's trigger with \`hub flows update\`)`,
              );
            const enabled = await service.enable(flow.id);
            output.out(
              opts.json
                ? json({ ...enabled, schedule: service.schedule(enabled) })
                : [
                    `enabled flow ${enabled.name} (${enabled.id})`,
                    ...scheduleLines(service, [enabled], STOP_FLOW),
                  ].join('\n'),
            );
            return;
          }
          if (flow === undefined && findTemplate(hub.config.flowsDir, ref) === undefined) {
            const templates = service.templates().map((t) => t.name);
            throw new ConfigError(
              `no flow or template named "${ref}"; see \`hub flows list\` and \`hub flows templates\`${templates.length > 0 ? ` (templates: ${templates.join(', ')})` : ''}`,
              { field: 'flow' },
            );
          }
          const created = await service.enableTemplate(ref, {
            connections,
            ...(opts.namePrefix === undefined ? {} : { namePrefix: opts.namePrefix }),
            ...(opts.schedule === undefined ? {} : { schedule: opts.schedule }),
            ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
          });
          const group = created[0]?.linkGroup;
          output.out(
            opts.json
              ? json(created.map((f) => ({ ...f, schedule: service.schedule(f) })))
              : [
                  `enabled template ${ref}: created flow(s) ${created.map((f) => f.name).join(', ')}${group ? ` (link group ${group})` : ''}`,
                  ...scheduleLines(service, created, CHOOSE_SCHEDULE),
                ].join('\n'),
          );
        }),
    );

  flows
    .command('disable <flow>')
    .description('Disable a flow: no scheduled or webhook runs until it is enabled again')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub flows disable clean-contact-list')
    .action(async (ref: string, opts: { json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const flow = await service.disable(ref);
        output.out(opts.json ? json(flow) : `disabled flow ${flow.name} (${flow.id})`);
      }),
    );

  flows
    .command('status <flow>')
    .description('Show the last runs of a flow, their counts, the next scheduled run and pending dead letters')
    .option('--runs <n>', 'how many runs to show', '10')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub flows status clean-contact-list --runs 5')
    .action(async (ref: string, opts: { runs: string; json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const runs = Number(opts.runs);
        if (!Number.isInteger(runs) || runs < 1) throw new ConfigError('--runs must be a positive whole number');
        const status = await service.status(ref, { runs });
        output.out(opts.json ? json(status) : describeStatus(status));
      }),
    );

  flows
    .command('templates')
    .description('List the templates: prebuilt flows you enable by picking connections')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub flows templates\n  $ hub flows templates --json')
    .action(async (opts: { json?: boolean }) =>
      withSession(async ({ flows: service }) => {
        const templates = service.templates();
        if (opts.json) output.out(json(templates));
        else output.out(templates.length === 0 ? '(no templates)' : templates.map(describeTemplate).join('\n\n'));
      }),
    );

  registerFlowsMaintain(flows, output);
  registerFlowsRun(flows, output);
}
