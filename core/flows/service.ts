import { ConfigError } from '../sdk/errors';
import { StoreConflictError } from '../store/errors';
import type { Repos, RunCounts, RunStatus, StoredFlow } from '../store/repos';
import { isScheduleTrigger, nextFireAt } from './cron';
import { FlowValidationError, assertNoProblems, type FlowProblem } from './errors';
import type { FlowDefinition, Trigger } from './schema';
import { scheduleSummary } from './schedule-words';
import { discardDeadLetters, type DiscardReport, type DiscardSelector } from './dead-letter-discard';
import { instantiateTemplate, listTemplates, loadTemplate, type FlowTemplate } from './templates';
import { checkFlowDefinition, type CheckedFlow } from './validate';
import type {
  ChangeOptions,
  CreateOptions,
  EnableTemplateOptions,
  FlowDeletion,
  FlowReset,
  FlowSchedule,
  FlowServiceDeps,
  FlowStatus,
  RemoveOptions,
  ResetOptions,
} from './service-types';

export type * from './service-types';

const ZERO: RunCounts = { read: 0, unchanged: 0, created: 0, updated: 0, deleted: 0, failed: 0, deadLettered: 0 };

/** The trigger `--schedule manual|<cron>` asks for (undefined: keep the template's). */
function triggerFrom(options: EnableTemplateOptions): Trigger | undefined {
  const schedule = options.schedule?.trim();
  if (schedule === undefined || schedule === '') {
    if (options.timezone !== undefined)
      throw new ConfigError('a time zone applies to a schedule: pass it with a cron schedule', { field: 'timezone' });
    return undefined;
  }
  if (schedule === 'manual') return { type: 'manual' };
  return {
    type: 'schedule',
    cron: schedule,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
  };
}

/** The flow definition as stored (the document saved with the flow). */
export function definitionOf(flow: StoredFlow): FlowDefinition {
  return flow.definition as unknown as FlowDefinition;
}

/**
 * Flows: create and update from validated definitions, enable/disable, list, show, status, and templates.
 * Every change is recorded in the audit log.
 */
export class FlowService {
  private readonly now: () => number;

  constructor(private readonly deps: FlowServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Checks a definition (shape and references); throws FlowValidationError naming the fields. */
  validate(value: unknown, names?: { except?: string }): Promise<CheckedFlow> {
    return checkFlowDefinition(value, {
      // create/update: a taken name is reported with every other problem, in one answer
      nameTaken: names ? (name) => this.nameTaken(name, names.except) : undefined,
      connections: this.deps.repos.connections,
      registry: this.deps.registry,
      mappings: { mappingsDir: this.deps.mappingsDir, repo: this.deps.repos.mappings },
      mappingOptions: this.deps.mappingOptions,
    });
  }

  private async transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    return this.deps.transaction ? this.deps.transaction(fn) : fn(this.deps.repos);
  }

  private async audit(
    repos: Repos,
    actor: string | undefined,
    action: string,
    before?: StoredFlow,
    after?: StoredFlow,
  ) {
    const entityId = after?.id ?? before?.id;
    await repos.auditLog.record({ actor: actor ?? 'cli', action, entity: 'flow', entityId, before, after }, this.now());
  }

  private async nameTaken(name: string, except?: string): Promise<boolean> {
    const existing = await this.deps.repos.flows.get(name);
    return existing !== undefined && existing.name === name && existing.id !== except;
  }

  private static record(checked: CheckedFlow) {
    return {
      name: checked.definition.name,
      definition: checked.definition as unknown as Record<string, unknown>,
      linkGroup: checked.definition.sync?.linkGroup ?? checked.definition.linkGroup,
      sourceConnectionId: checked.source.connection.id,
      targetConnectionId: checked.target.connection.id,
    };
  }

  async create(value: unknown, options: CreateOptions = {}): Promise<StoredFlow> {
    const checked = await this.validate(value, {});
    if (await this.nameTaken(checked.definition.name)) {
      throw new FlowValidationError(`flow "${checked.definition.name}"`, [
        { field: 'name', message: 'a flow with this name already exists; pick another name or update that flow' },
      ]);
    }
    return this.transaction(async (repos) => {
      const created = await repos.flows.create(
        { ...FlowService.record(checked), enabled: options.enabled ?? false, template: options.template },
        this.now(),
      );
      await this.audit(repos, options.actor, 'flow.create', undefined, created);
      return created;
    });
  }

  /** Replaces the definition of flow `ref` (id or name); the definition may rename it. */
  async update(ref: string, value: unknown, options: ChangeOptions = {}): Promise<StoredFlow> {
    const before = await this.deps.repos.flows.require(ref);
    const checked = await this.validate(value, { except: before.id });
    if (await this.nameTaken(checked.definition.name, before.id)) {
      throw new FlowValidationError(`flow "${checked.definition.name}"`, [
        { field: 'name', message: 'another flow already has this name; pick another name' },
      ]);
    }
    return this.transaction(async (repos) => {
      const record = FlowService.record(checked);
      const after = await repos.flows.update(before.id, { ...record, linkGroup: record.linkGroup ?? null }, this.now());
      await this.audit(repos, options.actor, 'flow.update', before, after);
      return after;
    });
  }

  /** Enables a flow after checking its definition again (a connection or mapping may have changed since). */
  async enable(ref: string, options: ChangeOptions = {}): Promise<StoredFlow> {
    const before = await this.deps.repos.flows.require(ref);
    const checked = await this.validate(before.definition);
    if (before.enabled) return before;
    return this.transaction(async (repos) => {
      const after = await repos.flows.update(
        before.id,
        {
          enabled: true,
          sourceConnectionId: checked.source.connection.id,
          targetConnectionId: checked.target.connection.id,
        },
        this.now(),
      );
      await this.audit(repos, options.actor, 'flow.enable', before, after);
      return after;
    });
  }

  async disable(ref: string, options: ChangeOptions = {}): Promise<StoredFlow> {
    const before = await this.deps.repos.flows.require(ref);
    if (!before.enabled) return before;
    return this.transaction(async (repos) => {
      const after = await repos.flows.setEnabled(before.id, false, this.now());
      await this.audit(repos, options.actor, 'flow.disable', before, after);
      return after;
    });
  }

  /** The flow's queued or running run, refused with the way out (reset and delete must not race a run). */
  private async assertIdle(flow: StoredFlow, doing: string): Promise<void> {
    const [active] = await this.deps.repos.runs.active(flow.id);
    if (active === undefined) return;
    throw new StoreConflictError(
      `flow "${flow.name}" has a run in progress (${active.id}, ${active.status}); wait for it to finish (hub flows status ${flow.name}) before you ${doing}`,
      'flow',
    );
  }

  /**
   * Deletes a flow with its runs, checkpoints and dead letters. Its record links are kept while another flow of
   * its link group (the other half of a sync pair) still uses them, and deleted otherwise. Refused while a run is
   * in progress unless `force`.
   */
  async remove(ref: string, options: RemoveOptions = {}): Promise<FlowDeletion> {
    const before = await this.deps.repos.flows.require(ref);
    if (options.force !== true) await this.assertIdle(before, 'delete it (or pass force)');
    const linkGroup = definitionOf(before).sync?.linkGroup ?? before.linkGroup ?? before.id;
    const others = (await this.deps.repos.flows.list({ linkGroup }))
      .filter((f) => f.id !== before.id)
      .map((f) => f.name);
    return this.transaction(async (repos) => {
      const owned = await repos.flows.countOwned(before.id);
      const links = await repos.flows.countLinks(linkGroup);
      if (others.length === 0) await repos.flows.deleteLinks(linkGroup);
      await repos.flows.delete(before.id);
      const deletion: FlowDeletion = {
        flow: before,
        ...owned,
        links: { linkGroup, count: links, kept: others.length > 0, ...(others.length > 0 ? { keptFor: others } : {}) },
      };
      await repos.auditLog.record(
        {
          actor: options.actor ?? 'cli',
          action: 'flow.delete',
          entity: 'flow',
          entityId: before.id,
          before,
          after: { ...deletion, flow: undefined },
        },
        this.now(),
      );
      return deletion;
    });
  }

  /**
   * Forgets the flow's checkpoints so the next run reads everything again (record links keep that run write-free),
   * or, with `from`, makes the next run read what changed since then. Refused while a run is in progress.
   */
  async reset(ref: string, options: ResetOptions = {}): Promise<FlowReset> {
    const flow = await this.deps.repos.flows.require(ref);
    const { from } = options;
    if (from !== undefined && (!Number.isFinite(from) || from > this.now()))
      throw new ConfigError('the reset time must be a date in the past, e.g. 2026-01-31T00:00:00Z', { field: 'from' });
    await this.assertIdle(flow, 'reset it');
    const stream = definitionOf(flow).source.stream;
    return this.transaction(async (repos) => {
      const previous = await repos.checkpoints.list(flow.id);
      const clearedCheckpoints = await repos.checkpoints.clear(flow.id);
      if (from !== undefined) await repos.checkpoints.resetTo(flow.id, stream, from, this.now());
      const result: FlowReset = { flow, stream, clearedCheckpoints };
      if (from !== undefined) result.from = new Date(from).toISOString();
      await repos.auditLog.record(
        {
          actor: options.actor ?? 'cli',
          action: 'flow.reset',
          entity: 'flow',
          entityId: flow.id,
          before: { checkpoints: previous },
          after: { from: result.from ?? null },
        },
        this.now(),
      );
      return result;
    });
  }

  /** Marks pending dead letters discarded (by ids, or every pending one of a flow), auditing each with the note. */
  discardDeadLetters(selector: DiscardSelector, note: string, options: ChangeOptions = {}): Promise<DiscardReport> {
    return discardDeadLetters(this.deps, selector, note, options.actor ?? 'cli');
  }

  /** The flow's trigger in words with its next run time (the first one, right after enabling). */
  schedule(flow: StoredFlow): FlowSchedule {
    if (!flow.enabled) return { flow: flow.name, words: 'is disabled: it runs only when started (hub flows run)' };
    return { flow: flow.name, ...scheduleSummary(definitionOf(flow).trigger, this.now()) };
  }

  list(filter: { enabled?: boolean; linkGroup?: string; connectionId?: string } = {}): Promise<StoredFlow[]> {
    return this.deps.repos.flows.list(filter);
  }

  show(ref: string): Promise<StoredFlow> {
    return this.deps.repos.flows.require(ref);
  }

  /** The flow with its last runs, their summed counts, runs by status and pending dead letters. */
  async status(ref: string, options: { runs?: number } = {}): Promise<FlowStatus> {
    const { repos } = this.deps;
    const flow = await repos.flows.require(ref);
    const runs = await repos.runs.list({ flowId: flow.id, limit: options.runs ?? 10 });
    const totals = { ...ZERO };
    const byStatus: Partial<Record<RunStatus, number>> = {};
    for (const run of runs) {
      for (const key of Object.keys(ZERO) as (keyof RunCounts)[]) totals[key] += run.counts[key];
      byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
    }
    const pendingDeadLetters = await repos.deadLetters.count({ flowId: flow.id, status: 'pending' });
    const status: FlowStatus = { flow, runs, totals, byStatus, pendingDeadLetters };
    const trigger = definitionOf(flow).trigger;
    if (flow.enabled && isScheduleTrigger(trigger)) {
      try {
        status.nextRunAt = nextFireAt(trigger, this.now());
      } catch {
        // a schedule that no longer parses is reported by `enable`; the status still answers
      }
    }
    return status;
  }

  /** The templates shipped in (or added to) the flows folder. */
  templates(): FlowTemplate[] {
    return listTemplates(this.deps.flowsDir);
  }

  /**
   * Creates and enables the flows of template `name` with the given connections per role. A sync pair becomes two
   * flows sharing one link group, each with its conflict policy. Nothing is created unless every flow is valid.
   */
  async enableTemplate(name: string, options: EnableTemplateOptions): Promise<StoredFlow[]> {
    const template = loadTemplate(this.deps.flowsDir, name);
    const subject = `template "${template.name}"`;
    const problems: FlowProblem[] = [];
    const connectionNames: Record<string, string> = {};
    for (const given of Object.keys(options.connections)) {
      if (!(given in template.roles)) {
        problems.push({
          field: `connections.${given}`,
          message: `the template has no role "${given}"; its roles are: ${Object.keys(template.roles).join(', ')}`,
        });
      }
    }
    for (const [role, spec] of Object.entries(template.roles)) {
      const ref = options.connections[role];
      if (ref === undefined) {
        problems.push({
          field: `connections.${role}`,
          message: `no connection given for role "${role}" (${spec.description}); pass a ${spec.connector} connection, e.g. --connection ${role}=<connection name>`,
        });
        continue;
      }
      const connection = await this.deps.repos.connections.get(ref);
      if (connection === undefined) {
        problems.push({
          field: `connections.${role}`,
          message: `no connection named "${ref}"; add a ${spec.connector} connection with \`hub connections add ${spec.connector} --name ${ref} --settings <file>\``,
        });
      } else if (connection.connectorId !== spec.connector) {
        problems.push({
          field: `connections.${role}`,
          message: `connection "${connection.name}" is a ${connection.connectorId} connection, but role "${role}" needs a ${spec.connector} connection`,
        });
      } else connectionNames[role] = connection.name;
    }
    assertNoProblems(subject, problems);

    const definitions = instantiateTemplate(template, { connections: connectionNames, namePrefix: options.namePrefix });
    const trigger = triggerFrom(options);
    // another schedule replaces the schedules; a flow run by the source's webhook keeps its trigger unless "manual"
    if (trigger !== undefined)
      for (const definition of definitions)
        if (trigger.type === 'manual' || definition.trigger.type !== 'webhook') definition.trigger = trigger;
    const checked: CheckedFlow[] = [];
    for (const definition of definitions) {
      if (await this.nameTaken(definition.name)) {
        problems.push({
          field: 'name',
          message: `a flow named "${definition.name}" already exists; pass a name prefix (--name-prefix) to enable the template again`,
        });
        continue;
      }
      try {
        checked.push(await this.validate(definition));
      } catch (error) {
        if (!(error instanceof FlowValidationError)) throw error;
        problems.push(
          ...error.problems.map((p) => ({ field: `flows.${definition.name}.${p.field}`, message: p.message })),
        );
      }
    }
    const linkGroup = definitions[0]?.sync?.linkGroup ?? definitions[0]?.linkGroup;
    if (linkGroup !== undefined && (await this.deps.repos.flows.list({ linkGroup })).length > 0) {
      problems.push({
        field: 'syncPair.linkGroup',
        message: `link group "${linkGroup}" is already used by other flows; pass a name prefix (--name-prefix)`,
      });
    }
    assertNoProblems(subject, problems);

    return this.transaction(async (repos) => {
      const created: StoredFlow[] = [];
      for (const flow of checked) {
        const stored = await repos.flows.create(
          { ...FlowService.record(flow), enabled: true, template: template.name },
          this.now(),
        );
        await this.audit(repos, options.actor, 'flow.create', undefined, stored);
        created.push(stored);
      }
      return created;
    });
  }
}
