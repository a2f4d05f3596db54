import type { Json, Page, RejectedRecord } from '../sdk/contracts';
import type { SourceRecord } from './hashing';

/** Most records a run holds before processing them, whatever the target's batch size and concurrency. */
export const MAX_COALESCED_RECORDS = 5_000;

/** Source pages merged into one unit of work: their records in read order, and the last checkpoint among them. */
export interface CoalescedPage {
  records: SourceRecord[];
  rejected: RejectedRecord[];
  checkpoint: Json | null;
  pages: number;
}

/**
 * Merges small source pages until there are enough records to fill the target's batches at its concurrency
 * (HubSpot's pages of 100 → Mailchimp batches of 500, ten at a time), so a run sends full batches instead of one
 * small batch per source page. The merged unit is processed like one page: its checkpoint — the last non-null one
 * of the pages it holds, true once every record before it is recorded — is saved only after all its records are
 * recorded, so a crash re-reads from the previous checkpoint and nothing is lost. Pages at or above the threshold
 * pass through unmerged.
 */
export class PageCoalescer {
  private unit: CoalescedPage | undefined;

  constructor(readonly threshold: number) {}

  /** Adds a page; returns the unit to process now when the held records reach the threshold. */
  add(page: Page<object>): CoalescedPage | undefined {
    const unit = (this.unit ??= { records: [], rejected: [], checkpoint: null, pages: 0 });
    for (const record of page.records) unit.records.push(record as SourceRecord);
    if (page.rejected !== undefined) unit.rejected.push(...page.rejected);
    if (page.checkpoint !== null) unit.checkpoint = page.checkpoint;
    unit.pages += 1;
    return unit.records.length + unit.rejected.length >= this.threshold ? this.take() : undefined;
  }

  /** The records held so far (at the end of a read), or undefined when none. */
  take(): CoalescedPage | undefined {
    const unit = this.unit;
    this.unit = undefined;
    return unit;
  }

  /**
   * The threshold for a target: a whole number of its batches (so every batch sent is full), as many as its
   * concurrency keeps in flight, within MAX_COALESCED_RECORDS — and at least one batch, however large.
   */
  static thresholdFor(batchSize: number, concurrency: number): number {
    const batch = Math.max(1, batchSize);
    const batches = Math.max(1, Math.min(Math.max(1, concurrency), Math.floor(MAX_COALESCED_RECORDS / batch)));
    return batch * batches;
  }
}
