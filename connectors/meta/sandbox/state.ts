/**
 * What the Meta sandbox holds: conversions (distinct by event_name + event_id, Meta's 48 h de-duplication, the
 * first one kept), audiences (members keyed by their first identifier), lead forms with leads, insights rows and
 * async report runs.
 */

export interface StoredEvent {
  event_name: string;
  event_id: string;
  event_time: number;
  body: Record<string, unknown>;
}

export interface StoredLead {
  id: string;
  form_id: string;
  created_time: number;
  field_data: { name: string; values: string[] }[];
  ad_id: string;
  campaign_id: string;
}

/**
 * A usersreplace session: the members its batches sent, its last batch number, and whether its last batch arrived
 * (then its members replaced the audience's, and it takes no more batches).
 */
export interface ReplaceSession {
  members: Map<string, string[]>;
  seq: number;
  completed: boolean;
}

export interface Audience {
  members: Map<string, string[]>;
  /** usersreplace sessions by session id, open and completed. */
  sessions: Map<string, ReplaceSession>;
  /** 200 normal; 471 (Meta: audience being updated/locked) refuses edits with 100/1713230. */
  operationStatus: { code: number; description: string };
}

export interface ReportRun {
  rows: Record<string, unknown>[];
  pollsLeft: number;
}

export class MetaState {
  /** Every event accepted, duplicates included (what Meta received). */
  received = 0;
  /** Events accepted with a test_event_code (Test Events tool), kept apart from live data. */
  testEvents = 0;
  readonly events = new Map<string, StoredEvent>();
  readonly audiences = new Map<string, Audience>();
  readonly forms = new Map<string, StoredLead[]>();
  /** Leads deleted (a person's data removal, an advertiser's clean-up): `GET /{lead_id}` says they do not exist. */
  readonly deletedLeads = new Set<string>();
  readonly pageForms = new Map<string, string[]>();
  readonly insightRows: Record<string, unknown>[] = [];
  readonly runs = new Map<string, ReportRun>();
  private nextId = 9_000_000_000;

  id(): string {
    return String(this.nextId++);
  }

  audience(id: string): Audience {
    let a = this.audiences.get(id);
    if (a === undefined) {
      a = { members: new Map(), sessions: new Map(), operationStatus: { code: 200, description: 'Normal' } };
      this.audiences.set(id, a);
    }
    return a;
  }

  /** Distinct conversions (event_name + event_id) with this event id. */
  eventsWithId(eventId: string): number {
    return [...this.events.values()].filter((e) => e.event_id === eventId).length;
  }

  /** Deletes a lead from its form, as Meta does on a data-deletion request. */
  deleteLead(id: string): boolean {
    for (const leads of this.forms.values()) {
      const at = leads.findIndex((l) => l.id === id);
      if (at < 0) continue;
      leads.splice(at, 1);
      this.deletedLeads.add(id);
      return true;
    }
    return false;
  }

  lead(id: string): StoredLead | undefined {
    for (const leads of this.forms.values()) {
      const found = leads.find((l) => l.id === id);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/** A member's key: its e-mail hash, else phone, else external id, else the whole row. */
export function memberKey(schema: string[], row: string[]): string {
  for (const key of ['EMAIL', 'EMAIL_SHA256', 'PHONE', 'PHONE_SHA256', 'EXTERN_ID', 'MADID']) {
    const at = schema.indexOf(key);
    if (at >= 0 && row[at]) return `${key.replace('_SHA256', '')}:${row[at]}`;
  }
  return `ROW:${row.join('|')}`;
}
