import type { Kysely } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import type { Database } from '../schema';

export interface Suppression {
  id: string;
  identifierHash: string;
  kind: string;
  reason: string;
  createdAt: number;
}

const CHUNK = 500;

/**
 * Erasure suppressions: hashes of identifiers (e.g. sha256 of a normalised e-mail) the hub must never write
 * again. Only the hash is kept; callers hash with the same normalisation they use when checking.
 */
export class SuppressionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds a suppression; adding one that exists keeps the first. */
  async add(input: { identifierHash: string; kind: string; reason: string }, now: number = Date.now()): Promise<void> {
    await this.db
      .insertInto('suppressions')
      .values({
        id: newId(ID_PREFIX.suppression, now),
        identifier_hash: input.identifierHash,
        kind: input.kind,
        reason: input.reason,
        created_at: now,
      })
      .onConflict((oc) => oc.column('identifier_hash').doNothing())
      .execute();
  }

  /** Whether any identifier is suppressed at all: one indexed row read, so a page skips hashing when none is. */
  async any(): Promise<boolean> {
    const row = await this.db.selectFrom('suppressions').select('identifier_hash').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Which of the given hashes are suppressed (checked per page of records, not per record). */
  async suppressed(identifierHashes: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(identifierHashes)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('suppressions')
        .select('identifier_hash')
        .where('identifier_hash', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.add(row.identifier_hash);
    }
    return found;
  }

  async isSuppressed(identifierHash: string): Promise<boolean> {
    return (await this.suppressed([identifierHash])).has(identifierHash);
  }

  async list(options: { limit?: number; offset?: number } = {}): Promise<Suppression[]> {
    const rows = await this.db
      .selectFrom('suppressions')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
      .offset(options.offset ?? 0)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      identifierHash: r.identifier_hash,
      kind: r.kind,
      reason: r.reason,
      createdAt: r.created_at,
    }));
  }
}
