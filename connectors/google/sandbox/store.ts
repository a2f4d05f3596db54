/**
 * What the Google sandbox holds: conversions by (conversion action, transaction id) with their restatements,
 * Customer Match members by list, ingestion requests with their diagnostics, and the Ads reporting data (campaign
 * metrics by day, lead form submissions). Counts are of DISTINCT conversions and members, so tests can assert that a
 * repeated send changed nothing.
 */

export interface StoredConversion {
  transactionId: string;
  conversionValue?: number;
  currency?: string;
  eventTimestamp: string;
  /** Times a later event with this transaction id changed the value or currency (a restatement). */
  restatements: number;
  /** Every ingest that carried this transaction id, including the first. */
  sends: number;
}

export interface StoredRequest {
  destinationCount: number;
  status: 'SUCCESS' | 'FAILED' | 'PARTIAL_SUCCESS';
  recordCount: number;
  kind: 'events' | 'audienceMembersIngest' | 'audienceMembersRemove';
  errorCounts: Map<string, number>;
  /** Retrieves still to be answered PROCESSING. */
  processingLeft: number;
}

export interface CampaignDay {
  campaignId: string;
  campaignName: string;
  date: string;
  costMicros: number;
  clicks: number;
  impressions: number;
  conversions: number;
  conversionsValue: number;
}

export interface Lead {
  id: string;
  campaignId: string;
  adGroupId: string;
  assetId: string;
  gclid: string;
  submissionDateTime: string;
  fields: { fieldType: string; fieldValue: string }[];
  custom: { questionText: string; fieldValue: string }[];
}

export class GoogleStore {
  /** `${conversionActionId}:${transactionId}` → conversion. */
  readonly conversions = new Map<string, StoredConversion>();
  /** `${userListId}` → member key (its first identifier) → identifiers. */
  readonly lists = new Map<string, Map<string, string[]>>();
  readonly requests = new Map<string, StoredRequest>();
  readonly campaignDays: CampaignDay[] = [];
  readonly leads: Lead[] = [];
  private nextRequest = 1;

  newRequestId(): string {
    return `sandbox-request-${String(this.nextRequest++).padStart(6, '0')}`;
  }

  /** Records one event; true when it created a conversion, false when it matched one (an adjustment). */
  ingestEvent(
    action: string,
    event: { transactionId: string; eventTimestamp: string; conversionValue?: number; currency?: string },
  ): boolean {
    const key = `${action}:${event.transactionId}`;
    const found = this.conversions.get(key);
    if (found === undefined) {
      this.conversions.set(key, {
        transactionId: event.transactionId,
        eventTimestamp: event.eventTimestamp,
        ...(event.conversionValue === undefined ? {} : { conversionValue: event.conversionValue }),
        ...(event.currency === undefined ? {} : { currency: event.currency }),
        restatements: 0,
        sends: 1,
      });
      return true;
    }
    found.sends += 1;
    // Data Manager adjustments: conversionValue and currency are overwritten, everything else is kept
    const valueChanged = event.conversionValue !== undefined && event.conversionValue !== found.conversionValue;
    const currencyChanged = event.currency !== undefined && event.currency !== found.currency;
    if (valueChanged || currencyChanged) {
      found.restatements += 1;
      if (event.conversionValue !== undefined) found.conversionValue = event.conversionValue;
      if (event.currency !== undefined) found.currency = event.currency;
    }
    return false;
  }

  list(listId: string): Map<string, string[]> {
    let members = this.lists.get(listId);
    if (members === undefined) this.lists.set(listId, (members = new Map()));
    return members;
  }
}
