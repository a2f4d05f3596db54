import type { Kysely, Selectable } from 'kysely';
import { redactVendorText } from '../../security/redact';
import {
  decryptSecrets,
  encryptSecrets,
  listEnvelopes,
  redactEnvelopes,
  secretPaths as pathsOfSchema,
  type Settings,
} from '../../security/secrets';
import type { Vault } from '../../security/vault';
import { StoreConflictError, StoreNotFoundError, isUniqueViolation } from '../errors';
import { ID_PREFIX, newId } from '../ids';
import { fromJson, toJson } from '../json';
import type { ConnectionsTable, Database } from '../schema';

export type ConnectionStatus = 'untested' | 'ok' | 'error';

export interface Connection {
  id: string;
  name: string;
  connectorId: string;
  /** Secrets are REDACTED unless the connection was read with `{ decrypt: true }`. */
  settings: Settings;
  status: ConnectionStatus;
  lastCheckedAt?: number;
  lastCheckError?: string;
  createdAt: number;
  updatedAt: number;
}

/** Which settings are secret: the paths, or the connector's settings JSON Schema (`"x-secret": true`), or both. */
export interface SecretFields {
  secretPaths?: readonly string[];
  settingsSchema?: unknown;
}

export interface NewConnection extends SecretFields {
  name: string;
  connectorId: string;
  settings: Settings;
}

export interface ConnectionPatch extends SecretFields {
  name?: string;
  /** Replaces the settings. A secret sent as REDACTED keeps its stored value. */
  settings?: Settings;
}

export interface ReadOptions {
  /** Return secrets in clear (for the runner and connection tests only; never for API listings). */
  decrypt?: boolean;
}

/** AAD of a connection's secret field: an envelope only decrypts in the connection and field it was made for. */
export function connectionAad(connectionId: string): (path: string) => string {
  return (path) => `connection:${connectionId}:${path}`;
}

function secretPathsOf(fields: SecretFields): string[] | undefined {
  if (fields.secretPaths === undefined && fields.settingsSchema === undefined) return undefined;
  const paths = new Set<string>(fields.secretPaths ?? []);
  if (fields.settingsSchema !== undefined) for (const p of pathsOfSchema(fields.settingsSchema)) paths.add(p);
  return [...paths];
}

type Row = Selectable<ConnectionsTable>;

/** Connections: configured instances of connectors, with their secret settings encrypted by the vault. */
export class ConnectionsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly vault: Vault,
  ) {}

  private toConnection(row: Row, options: ReadOptions): Connection {
    const stored = fromJson<Settings>(row.settings_json);
    const settings = options.decrypt
      ? decryptSecrets(stored, this.vault, connectionAad(row.id))
      : redactEnvelopes(stored);
    const connection: Connection = {
      id: row.id,
      name: row.name,
      connectorId: row.connector_id,
      settings,
      status: row.status as ConnectionStatus,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.last_checked_at !== null) connection.lastCheckedAt = row.last_checked_at;
    if (row.last_check_error !== null) connection.lastCheckError = row.last_check_error;
    return connection;
  }

  private async row(idOrName: string): Promise<Row | undefined> {
    const rows = await this.db
      .selectFrom('connections')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .execute();
    return rows.find((r) => r.id === idOrName) ?? rows[0];
  }

  private conflict(name: string): StoreConflictError {
    return new StoreConflictError(`a connection named ${JSON.stringify(name)} already exists`, 'connection', 'name');
  }

  async create(input: NewConnection, now: number = Date.now()): Promise<Connection> {
    const id = newId(ID_PREFIX.connection, now);
    const paths = secretPathsOf(input) ?? [];
    const stored = encryptSecrets(input.settings, paths, this.vault, connectionAad(id));
    const row: Row = {
      id,
      name: input.name,
      connector_id: input.connectorId,
      settings_json: toJson(stored),
      status: 'untested',
      last_checked_at: null,
      last_check_error: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('connections').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.conflict(input.name);
      throw error;
    }
    return this.toConnection(row, {});
  }

  /** By id or by name. */
  async get(idOrName: string, options: ReadOptions = {}): Promise<Connection | undefined> {
    const row = await this.row(idOrName);
    return row && this.toConnection(row, options);
  }

  /** Like `get`, but a missing connection is a StoreNotFoundError. */
  async require(idOrName: string, options: ReadOptions = {}): Promise<Connection> {
    const connection = await this.get(idOrName, options);
    if (!connection) throw new StoreNotFoundError('connection', idOrName);
    return connection;
  }

  /** Every connection (secrets redacted), by name. */
  async list(filter: { connectorId?: string } = {}): Promise<Connection[]> {
    let query = this.db.selectFrom('connections').selectAll().orderBy('name');
    if (filter.connectorId !== undefined) query = query.where('connector_id', '=', filter.connectorId);
    return (await query.execute()).map((row) => this.toConnection(row, {}));
  }

  async update(idOrName: string, patch: ConnectionPatch, now: number = Date.now()): Promise<Connection> {
    const row = await this.row(idOrName);
    if (!row) throw new StoreNotFoundError('connection', idOrName);
    const changes: Partial<Row> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.settings !== undefined) {
      const previous = fromJson<Settings>(row.settings_json);
      // Without a schema or paths, the fields that were secret stay secret.
      const paths = secretPathsOf(patch) ?? listEnvelopes(previous).map((e) => e.path);
      changes.settings_json = toJson(
        encryptSecrets(patch.settings, paths, this.vault, connectionAad(row.id), previous),
      );
      changes.status = 'untested';
      changes.last_check_error = null;
    }
    try {
      await this.db.updateTable('connections').set(changes).where('id', '=', row.id).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.conflict(patch.name ?? row.name);
      throw error;
    }
    return this.toConnection({ ...row, ...changes }, {});
  }

  /**
   * Replaces the settings after an OAuth token refresh: secrets encrypted as the schema says, the status and the
   * last check left alone (the connection did not change, only its tokens).
   */
  async saveRefreshedSettings(id: string, settings: Settings, settingsSchema: unknown, now: number = Date.now()) {
    const row = await this.row(id);
    if (!row) throw new StoreNotFoundError('connection', id);
    const previous = fromJson<Settings>(row.settings_json);
    const paths = secretPathsOf({ settingsSchema }) ?? [];
    const settingsJson = toJson(encryptSecrets(settings, paths, this.vault, connectionAad(row.id), previous));
    await this.db
      .updateTable('connections')
      .set({ settings_json: settingsJson, updated_at: now })
      .where('id', '=', row.id)
      .execute();
  }

  /**
   * Claims the OAuth refresh lease of a connection (a row in `meta`): an insert only one worker wins, or a takeover
   * of an expired lease. True when `holder` now holds it until `untilMs`.
   */
  async claimRefresh(id: string, holder: string, untilMs: number, now: number = Date.now()): Promise<boolean> {
    const key = `oauth-refresh:${id}`;
    const inserted = await this.db
      .insertInto('meta')
      .values({ key, value: holder, updated_at: untilMs })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
    const taken = await this.db
      .updateTable('meta')
      .set({ value: holder, updated_at: untilMs })
      .where('key', '=', key)
      .where('updated_at', '<', now)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0;
  }

  /** Releases an OAuth refresh lease, if `holder` still holds it. */
  async releaseRefresh(id: string, holder: string): Promise<void> {
    await this.db.deleteFrom('meta').where('key', '=', `oauth-refresh:${id}`).where('value', '=', holder).execute();
  }

  /** Records the outcome of a connection test. */
  async recordCheck(id: string, outcome: { ok: boolean; error?: string }, now: number = Date.now()): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({
        status: outcome.ok ? 'ok' : 'error',
        last_checked_at: now,
        // A connector may quote its credentials in an error; never store them in clear.
        last_check_error: outcome.ok ? null : redactVendorText(outcome.error ?? 'check failed'),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a connection and its record links; refused while a flow uses it. Returns false when there was none. */
  async delete(idOrName: string): Promise<boolean> {
    const row = await this.row(idOrName);
    if (!row) return false;
    const users = await this.db
      .selectFrom('flows')
      .select('name')
      .where((eb) => eb.or([eb('source_connection_id', '=', row.id), eb('target_connection_id', '=', row.id)]))
      .orderBy('name')
      .execute();
    if (users.length > 0) {
      throw new StoreConflictError(
        `connection ${JSON.stringify(row.name)} is used by flow(s) ${users.map((u) => u.name).join(', ')}; delete or change them first`,
        'connection',
      );
    }
    // its record links go with it (no foreign key cascades them since migration 0014), in one transaction
    const remove = async (db: Kysely<Database>) => {
      await db.deleteFrom('record_links').where('connection_id', '=', row.id).execute();
      return db.deleteFrom('connections').where('id', '=', row.id).executeTakeFirst();
    };
    const result = this.db.isTransaction
      ? await remove(this.db)
      : await this.db.transaction().execute((tx) => remove(tx));
    return Number(result.numDeletedRows) > 0;
  }
}
