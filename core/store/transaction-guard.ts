import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Dialect, Driver, QueryCompiler, TransactionSettings } from 'kysely';

/**
 * Catches a query made through `store.db` inside `store.transaction(fn)` instead of through the `trx` argument.
 * On SQLite that query would wait forever for the single connection the transaction holds (a silent hang);
 * on PostgreSQL it would run outside the transaction (and may wait on its locks). Both engines refuse it at once
 * with a message saying what to do, so the code behaves the same on both.
 */
export class TransactionScope {
  readonly #storage = new AsyncLocalStorage<true>();

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#storage.run(true, fn);
  }

  get active(): boolean {
    return this.#storage.getStore() === true;
  }
}

export class TransactionMisuseError extends Error {
  constructor() {
    super(
      'a query used store.db inside store.transaction(); use the transaction passed to the function ' +
        '(e.g. createRepos(trx, vault)), or run the query after the transaction',
    );
    this.name = 'TransactionMisuseError';
  }
}

class GuardedDriver implements Driver {
  constructor(
    private readonly driver: Driver,
    private readonly scope: TransactionScope,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A transaction's own queries reuse the connection it acquired; only another query acquires one here.
    if (this.scope.active) throw new TransactionMisuseError();
    return this.driver.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.driver.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.driver.savepoint?.(connection, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.driver.rollbackToSavepoint?.(connection, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.driver.releaseSavepoint?.(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** The dialect with its driver guarded by `scope`. */
export function guardDialect(dialect: Dialect, scope: TransactionScope): Dialect {
  return {
    createDriver: () => new GuardedDriver(dialect.createDriver(), scope),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
