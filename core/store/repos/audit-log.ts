import type { Kysely, Selectable } from 'kysely';
import { isEnvelope } from '../../security/vault';
import { redactVendorText } from '../../security/redact';
import { REDACTED } from '../../security/secrets';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined } from '../json';
import type { AuditLogTable, Database } from '../schema';

export interface AuditEntry {
  id: string;
  /** Who: an API token id/name, `cli`, `system`. */
  actor: string;
  /** What: `connection.create`, `flow.enable`, `vault.rotate`, … */
  action: string;
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
  at: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

/**
 * Serialises a before/after document; an encrypted value that slipped in is stored as REDACTED, never as its
 * envelope, and vendor text inside it (a connection's last check error) is scrubbed of every known secret in its
 * derived forms and of echoed credential headers.
 */
function toAuditJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return redactVendorText(JSON.stringify(value, (_key, v: unknown) => (isEnvelope(v) ? REDACTED : v)));
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  const entry: AuditEntry = { id: row.id, actor: row.actor, action: row.action, entity: row.entity, at: row.at };
  if (row.entity_id !== null) entry.entityId = row.entity_id;
  const before = fromJsonOrUndefined<unknown>(row.before_json);
  if (before !== undefined) entry.before = before;
  const after = fromJsonOrUndefined<unknown>(row.after_json);
  if (after !== undefined) entry.after = after;
  return entry;
}

/** Who changed what. Callers pass redacted documents (e.g. a connection as listed); append-only. */
export class AuditLogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async record(input: NewAuditEntry, now: number = Date.now()): Promise<AuditEntry> {
    const row: Selectable<AuditLogTable> = {
      id: newId(ID_PREFIX.audit, now),
      actor: input.actor,
      action: input.action,
      entity: input.entity,
      entity_id: input.entityId ?? null,
      before_json: toAuditJson(input.before),
      after_json: toAuditJson(input.after),
      at: now,
    };
    await this.db.insertInto('audit_log').values(row).execute();
    return toEntry(row);
  }

  /** Newest first. `before` is an entry id: pages through older entries. */
  async list(
    filter: {
      entity?: string;
      entityId?: string;
      actor?: string;
      action?: string;
      limit?: number;
      before?: string;
    } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map(toEntry);
  }
}
