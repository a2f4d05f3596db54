import { validateSettings } from './settings';
import { scrubSecrets } from '../logging/logger';
import type { Registry } from '../registry';
import type { ConnectorLogger } from '../sdk/define';
import { ConfigError, toErrorInfo } from '../sdk/errors';
import { REDACTED, getAt, secretPaths, setAt, type Settings } from '../security/secrets';
import type { Connection, ConnectionStatus, Repos } from '../store/repos';

/**
 * Connections as the CLI and the API change them: settings validated against the connector's settings schema,
 * secrets encrypted by the repository, and an audit entry (secrets redacted) for every change.
 */

export interface ConnectionServiceDeps {
  repos: Repos;
  registry: Pick<Registry, 'get' | 'has'>;
  logger: ConnectorLogger;
  /** Runs `fn` atomically (store.transaction with repos over it); without it, changes are sequential. */
  transaction?: <T>(fn: (repos: Repos) => Promise<T>) => Promise<T>;
  now?: () => number;
}

export interface ActorOption {
  /** Who makes the change, for the audit log: an API token id, `cli` (default), `system`. */
  actor?: string;
}

export interface NewConnectionInput {
  name: string;
  connectorId: string;
  settings: Settings;
}

export interface ConnectionUpdate {
  name?: string;
  /** Replaces the settings; a secret sent as the placeholder "[secret]" keeps its stored value. */
  settings?: Settings;
}

export interface CheckOutcome {
  ok: boolean;
  /** What the connector said, scrubbed of every secret the process knows. */
  message: string;
  connection: Connection;
}

export class ConnectionService {
  private readonly now: () => number;

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    return this.deps.transaction ? this.deps.transaction(fn) : fn(this.deps.repos);
  }

  private async audit(
    repos: Repos,
    actor: string | undefined,
    action: string,
    before?: Connection,
    after?: Connection,
  ): Promise<void> {
    const entityId = after?.id ?? before?.id;
    await repos.auditLog.record(
      { actor: actor ?? 'cli', action, entity: 'connection', entityId, before, after },
      this.now(),
    );
  }

  /** The connector a new connection is for; an unknown one is a ConfigError naming `connectorId`. */
  private connector(id: string) {
    try {
      return this.deps.registry.get(id);
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(error.message, { field: 'connectorId' });
      throw error;
    }
  }

  list(filter: { connectorId?: string; status?: ConnectionStatus } = {}): Promise<Connection[]> {
    return this.deps.repos.connections
      .list(filter.connectorId === undefined ? {} : { connectorId: filter.connectorId })
      .then((all) => (filter.status === undefined ? all : all.filter((c) => c.status === filter.status)));
  }

  /** By id or name; secrets redacted. Throws StoreNotFoundError. */
  show(ref: string): Promise<Connection> {
    return this.deps.repos.connections.require(ref);
  }

  /** Validates the settings against the connector's schema and creates the connection. */
  async create(input: NewConnectionInput, options: ActorOption = {}): Promise<Connection> {
    const connector = this.connector(input.connectorId);
    validateSettings(connector.id, connector.settingsSchema, input.settings);
    return this.transaction(async (repos) => {
      const created = await repos.connections.create(
        {
          name: input.name,
          connectorId: connector.id,
          settings: input.settings,
          settingsSchema: connector.settingsSchema,
        },
        this.now(),
      );
      await this.audit(repos, options.actor, 'connection.create', undefined, created);
      return created;
    });
  }

  /**
   * Renames a connection and/or replaces its settings. The new settings are validated with the stored secrets in
   * place of their placeholders, so a form sent back unchanged stays valid; the status goes back to `untested`.
   */
  async update(ref: string, patch: ConnectionUpdate, options: ActorOption = {}): Promise<Connection> {
    const before = await this.deps.repos.connections.require(ref);
    const connector = this.deps.registry.get(before.connectorId);
    if (patch.settings !== undefined) {
      const candidate = structuredClone(patch.settings);
      const paths = secretPaths(connector.settingsSchema);
      if (paths.some((p) => getAt(candidate, p) === REDACTED)) {
        const stored = await this.deps.repos.connections.require(before.id, { decrypt: true });
        for (const path of paths) {
          const kept = getAt(stored.settings, path);
          if (getAt(candidate, path) === REDACTED && kept !== undefined) setAt(candidate, path, kept);
        }
      }
      validateSettings(connector.id, connector.settingsSchema, candidate);
    }
    return this.transaction(async (repos) => {
      const after = await repos.connections.update(
        before.id,
        { ...patch, settingsSchema: connector.settingsSchema },
        this.now(),
      );
      await this.audit(repos, options.actor, 'connection.update', before, after);
      return after;
    });
  }

  /** Deletes a connection; refused (StoreConflictError) while a flow uses it. */
  async remove(ref: string, options: ActorOption = {}): Promise<Connection> {
    const before = await this.deps.repos.connections.require(ref);
    return this.transaction(async (repos) => {
      await repos.connections.delete(before.id);
      await this.audit(repos, options.actor, 'connection.delete', before);
      return before;
    });
  }

  /** Asks the connector whether the connection works (credentials, reachability) and records the outcome. */
  async check(ref: string, options: ActorOption = {}): Promise<CheckOutcome> {
    const before = await this.deps.repos.connections.require(ref);
    const connection = await this.deps.repos.connections.require(before.id, { decrypt: true });
    if (!this.deps.registry.has(connection.connectorId)) {
      throw new ConfigError(
        `connection ${connection.name} uses connector ${connection.connectorId}, which is not installed`,
        {
          field: 'connector',
        },
      );
    }
    const connector = this.deps.registry.get(connection.connectorId);
    let result: { ok: boolean; message: string };
    try {
      result = await connector.check({
        id: connection.id,
        name: connection.name,
        settings: connection.settings,
        log: this.deps.logger,
      });
    } catch (error) {
      result = { ok: false, message: toErrorInfo(error).message };
    }
    const message = scrubSecrets(result.message);
    await this.deps.repos.connections.recordCheck(
      connection.id,
      result.ok ? { ok: true } : { ok: false, error: message },
      this.now(),
    );
    const after = await this.deps.repos.connections.require(connection.id);
    await this.audit(this.deps.repos, options.actor, 'connection.check', before, after);
    return { ok: result.ok, message, connection: after };
  }
}
