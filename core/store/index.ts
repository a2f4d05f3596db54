/**
 * The store: one schema on SQLite (default, `<dataDir>/hub.sqlite`, via node:sqlite) or PostgreSQL
 * (HUB_DATABASE_URL), queries written once with Kysely. Typical start-up:
 *
 *   const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
 *   const vault = await openVault({ store, dataDir: config.dataDir, encryptionKey: config.encryptionKey, logger });
 *   const repos = createRepos(store.db, vault);
 */
export { openStore, SQLITE_FILE_NAME, type OpenStoreOptions, type Store, type StoreEngine } from './open';
export type * from './schema';
export { StoreConflictError, StoreNotFoundError, isUniqueViolation, isForeignKeyViolation } from './errors';
export { newId, ID_PREFIX } from './ids';
export { TransactionMisuseError } from './transaction-guard';
export { LATEST_MIGRATION } from './migrations';
export * from './repos';
