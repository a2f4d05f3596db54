export { openStore, SQLITE_FILE_NAME, type OpenStoreOptions, type Store, type StoreEngine } from './open';
export type * from './schema';
export { StoreConflictError, StoreNotFoundError, isUniqueViolation, isForeignKeyViolation } from './errors';
export { newId, ID_PREFIX } from './ids';
export { LATEST_MIGRATION } from './migrations';
