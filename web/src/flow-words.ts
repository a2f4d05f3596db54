import { describeTrigger } from '../../core/flows/schedule-words';
import type { Flow, RunCounts } from './api/client';

/**
 * Flows in words: the schedule (the hub's own wording, shared with the CLI) and the records a run moved. Records
 * held back (no consent, skipped by the mapping, an erased identifier) are counted apart: the store counts them
 * among the unchanged too, so `unchanged` here is the rest.
 */

export function scheduleWords(flow: Pick<Flow, 'definition' | 'enabled'>): string {
  if (!flow.enabled) return 'disabled: does not run';
  return describeTrigger(flow.definition.trigger);
}

export function moved(counts: RunCounts): number {
  return counts.created + counts.updated + counts.deleted;
}

export function failed(counts: RunCounts): number {
  return counts.failed; // dead-lettered records are among the failed ones
}

/** A count as shown: held apart from unchanged. */
export function countOf(counts: RunCounts, key: keyof RunCounts): number {
  if (key === 'unchanged') return counts.unchanged - (counts.held ?? 0);
  return counts[key] ?? 0;
}

export const COUNT_LABELS: { key: keyof RunCounts; label: string }[] = [
  { key: 'read', label: 'Read' },
  { key: 'created', label: 'Created' },
  { key: 'updated', label: 'Updated' },
  { key: 'unchanged', label: 'Unchanged' },
  { key: 'held', label: 'Held (no consent or skipped)' },
  { key: 'deleted', label: 'Deleted' },
  { key: 'failed', label: 'Failed' },
  { key: 'deadLettered', label: 'Set aside (dead letters)' },
  { key: 'review', label: 'Manual review (write not confirmed)' },
];
