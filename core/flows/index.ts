/**
 * Flows (docs/architecture.md §2): definitions validated against the schema and what they refer to, templates in
 * `flows/`, enable/disable, status, and the scheduler that starts schedule-triggered runs.
 */
export * from './schema';
export { FlowValidationError, type FlowProblem } from './errors';
export { checkFlowDefinition, schemaProblems, type CheckedFlow, type FlowCheckContext } from './validate';
export { findMapping, type MappingSource, type MappingLookup } from '../mapping/source';
export { isScheduleTrigger, latestSlot, nextFireAt, scheduleProblems, type ScheduleTrigger } from './cron';
export {
  FlowService,
  definitionOf,
  type ChangeOptions,
  type CreateOptions,
  type EnableTemplateOptions,
  type FlowServiceDeps,
  type FlowStatus,
  type FlowDeletion,
  type FlowReset,
  type FlowSchedule,
  type RemoveOptions,
  type ResetOptions,
} from './service';
export {
  deadLetterHistory,
  discardDeadLetters,
  MAX_NOTE_LENGTH,
  type DiscardReport,
  type DiscardSelector,
} from './dead-letter-discard';
export { describeTrigger, formatRunTime, scheduleSummary } from './schedule-words';
export {
  FlowTemplate,
  TemplateRole,
  findTemplate,
  instantiateTemplate,
  listTemplates,
  loadTemplate,
  parseTemplate,
  templateProblems,
} from './templates';
export { createScheduler, type Scheduler, type ScheduledStart, type SchedulerDeps } from './scheduler';
export { createWebhookTrigger, type WebhookTrigger, type WebhookTriggerDeps } from './webhook-trigger';
