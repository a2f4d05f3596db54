import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0003 from './0003_runner';
import * as m0004 from './0004_link_peers_index';
import * as m0005 from './0005_fencing';
import * as m0006 from './0006_ledger_dedupe';
import * as m0008 from './0008_webhook_rejections';
import * as m0009 from './0009_run_records';
import * as m0010 from './0010_review_links';
import * as m0011 from './0011_webhook_pending_index';
import * as m0012 from './0012_drop_link_connection_index';
import * as m0013 from './0013_link_mapped_state';
import * as m0014 from './0014_link_connection_no_fk';

/**
 * Every migration, by name, in the order they run. Kept in code (not read from a folder at run time) so the
 * compiled dist/ and the TypeScript sources behave the same. Add a new file and one line here; never edit a
 * released migration.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0003_runner': m0003,
  '0004_link_peers_index': m0004,
  '0005_fencing': m0005,
  '0006_ledger_dedupe': m0006,
  '0008_webhook_rejections': m0008,
  '0009_run_records': m0009,
  '0010_review_links': m0010,
  '0011_webhook_pending_index': m0011,
  '0012_drop_link_connection_index': m0012,
  '0013_link_mapped_state': m0013,
  '0014_link_connection_no_fk': m0014,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};

/** Name of the newest migration; the schema version a store reports. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1) ?? '';
