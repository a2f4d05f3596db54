import { sql, type Kysely } from 'kysely';

/**
 * Fresh planner statistics for the tables a run grows page by page, on PostgreSQL.
 *
 * PostgreSQL plans each query from its table statistics, which autovacuum refreshes only once 10 % of a table has
 * changed and at most once a minute (`autovacuum_naptime`). A first sync fills `record_links` much faster than that,
 * and with no statistics the planner takes the leading (link_group, connection_id) of the unique index as "one row":
 * a page's look-up of 500 links by external id then walks every link of the connection and filters (measured on
 * 100,000 links: 29 ms a page instead of 3 ms; the same for the peers' look-up by entity), so each page of a first
 * sync costs more than the one before. The store therefore analyses those tables itself, in the background after
 * the transaction that crossed the threshold commits: when the rows written since the last ANALYZE reach the rows
 * the table held then (at least MIN_ROWS) — once per doubling, each sampling at most 30,000 rows
 * (default_statistics_target 100; 60–290 ms of the server's time at 10k–200k links). Counted per process: several
 * workers may each analyse once in a while, which costs little; one ANALYZE at a time per process, on a pool
 * connection of its own, never inside a transaction (no lock held across a page), and the run does not wait for it.
 * `test/core/store/planner-statistics.test.ts` checks the plan of the look-up after a first run.
 */

/** Rows written before a table without statistics is analysed. */
export const MIN_ROWS = 5_000;
/** Share of the table's rows (at the last analysis) written before the next: a plan needs the size's order, not more. */
export const GROWTH = 1;

export class PlannerStatistics {
  readonly #written = new Map<string, number>();
  /** Rows of each table at its last analysis (from pg_class.reltuples), once known. */
  readonly #rows = new Map<string, number>();
  #running: Promise<void> | undefined;
  #disabled = false;

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  /** `rows` rows of `table` were inserted or updated (counted whether or not their transaction commits). */
  wrote(table: string, rows: number): void {
    this.#written.set(table, (this.#written.get(table) ?? 0) + rows);
  }

  /** Tables whose written rows crossed their threshold. */
  #due(): string[] {
    const due: string[] = [];
    for (const [table, written] of this.#written) {
      if (written >= Math.max(MIN_ROWS, (this.#rows.get(table) ?? 0) * GROWTH)) due.push(table);
    }
    return due;
  }

  /**
   * Starts analysing the tables that are due (after a commit) and returns at once; never throws: statistics are an
   * optimisation. `settle()` waits for it.
   */
  refreshIfDue<DB>(db: Kysely<DB>): void {
    if (this.#disabled || this.#running !== undefined) return;
    const due = this.#due();
    if (due.length === 0) return;
    this.#running = this.#refresh(db, due).finally(() => {
      this.#running = undefined;
    });
  }

  async #refresh<DB>(db: Kysely<DB>, tables: string[]): Promise<void> {
    for (const table of tables) {
      const written = this.#written.get(table) ?? 0;
      try {
        if (!this.#rows.has(table)) {
          // first time in this process: a table that has statistics already (a restart) needs none yet
          const known = await reltuples(db, table);
          if (known > 0) {
            this.#rows.set(table, known);
            if (written < Math.max(MIN_ROWS, known * GROWTH)) continue;
          }
        }
        await sql`analyze ${sql.table(table)}`.execute(db);
        this.#written.set(table, (this.#written.get(table) ?? 0) - written);
        this.#rows.set(table, Math.max(0, await reltuples(db, table)));
      } catch (error) {
        // e.g. a role that does not own the table may not analyse it: leave it to autovacuum from then on
        this.#disabled = true;
        this.onError(error);
        return;
      }
    }
  }

  /** Waits for an analysis under way (the store's close). */
  async settle(): Promise<void> {
    await this.#running;
  }
}

async function reltuples<DB>(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select reltuples as n from pg_class where oid = to_regclass(${table})`.execute(db);
  return rows.length === 0 ? 0 : Number(rows[0]!.n);
}

const registry = new WeakMap<object, PlannerStatistics>();

/** Binds a store's statistics keeper to its `db` and to each of its transactions. */
export function registerPlannerStatistics(db: object, statistics: PlannerStatistics): void {
  registry.set(db, statistics);
}

/** The keeper of the store `db` belongs to (PostgreSQL stores only). */
export function plannerStatisticsFor(db: object): PlannerStatistics | undefined {
  return registry.get(db);
}
