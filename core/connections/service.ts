import { nameProblem } from '../api/schemas/strings';
import { validateSettings } from './settings';
import { EndpointChangeForbiddenError, endpointChange, type EndpointChange } from './endpoint';
import type { Registry } from '../registry';
import type { ConnectorLogger } from '../sdk/define';
import { ConfigError, toErrorInfo } from '../sdk/errors';
import { outboundHttp } from '../sdk/http';
import { ensureFreshToken } from '../sdk/oauth';
import { redactVendorText } from '../security/redact';
import { REDACTED, deleteAt, getAt, secretPaths, secretValues, setAt, type Settings } from '../security/secrets';
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

export interface UpdateOptions extends ActorOption {
  /**
   * Whether the actor is an admin. A token that is not may change the endpoint settings (`Endpoint()`) only of
   * connections it created. Changes without an actor or by `cli`/`system` are local operators' and allowed.
   */
  admin?: boolean;
}

/** A connection after an update, with the secrets cleared because an endpoint setting changed. */
export type UpdatedConnection = Connection & {
  /** Secret fields whose stored value was dropped because an endpoint setting changed (re-enter them). */
  secretsCleared?: string[];
  /** What happened to the secrets, in words (present with secretsCleared). */
  notice?: string;
};

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

/** The API checks names with its schema; callers that do not go through it (the CLI) get the same rule here. */
function assertName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== undefined) throw new ConfigError(`name ${problem}`, { field: 'name' });
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
    assertName(input.name);
    const connector = this.connector(input.connectorId);
    validateSettings(connector.id, connector.settingsSchema, input.settings);
    connector.checkSettings?.(input.settings);
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
  async update(ref: string, patch: ConnectionUpdate, options: UpdateOptions = {}): Promise<UpdatedConnection> {
    if (patch.name !== undefined) assertName(patch.name);
    const before = await this.deps.repos.connections.require(ref);
    const connector = this.deps.registry.get(before.connectorId);
    let stored: Settings | undefined;
    let change: EndpointChange | undefined;
    if (patch.settings !== undefined) {
      const candidate = structuredClone(patch.settings);
      const paths = secretPaths(connector.settingsSchema);
      const kept = paths.filter((p) => getAt(candidate, p) === REDACTED);
      if (kept.length > 0) {
        const decrypted = await this.deps.repos.connections.require(before.id, { decrypt: true });
        for (const path of kept) {
          const value = getAt(decrypted.settings, path);
          if (value !== undefined) setAt(candidate, path, value);
        }
      }
      validateSettings(connector.id, connector.settingsSchema, candidate);
      connector.checkSettings?.(candidate);
      change = endpointChange(connector.settingsSchema, before.settings, patch.settings, kept);
      if (change !== undefined) {
        await this.assertMayChangeEndpoint(before, change, options);
        if (change.secretsCleared.length > 0) {
          // the stored secrets were meant for the old endpoint: never send them to the new one
          stored = structuredClone(patch.settings);
          for (const path of change.secretsCleared) deleteAt(stored, path);
        }
      }
    }
    const settings = stored ?? patch.settings;
    return this.transaction(async (repos) => {
      const after = await repos.connections.update(
        before.id,
        { ...patch, ...(settings === undefined ? {} : { settings }), settingsSchema: connector.settingsSchema },
        this.now(),
      );
      await this.audit(repos, options.actor, 'connection.update', before, after);
      if (change === undefined) return after;
      await repos.auditLog.record(
        {
          actor: options.actor ?? 'cli',
          action: 'connection.endpoint-change',
          entity: 'connection',
          entityId: before.id,
          before: { endpoint: change.before },
          after: { endpoint: change.after, secretsCleared: change.secretsCleared },
        },
        this.now(),
      );
      if (change.secretsCleared.length === 0) return after;
      const notice = `the endpoint changed (${change.fields.join(', ')}), so the stored secrets (${change.secretsCleared.join(', ')}) were cleared; enter them again for the new endpoint`;
      await repos.connections.recordCheck(before.id, { ok: false, error: notice }, this.now());
      const cleared = await repos.connections.require(before.id);
      return { ...cleared, secretsCleared: change.secretsCleared, notice };
    });
  }

  /**
   * Only an admin, a local operator (CLI) or the token that created the connection may change where its
   * secrets are sent.
   */
  private async assertMayChangeEndpoint(before: Connection, change: EndpointChange, options: UpdateOptions) {
    const actor = options.actor;
    if (options.admin === true || actor === undefined || actor === 'cli' || actor === 'system') return;
    const [created] = await this.deps.repos.auditLog.list({
      entity: 'connection',
      entityId: before.id,
      action: 'connection.create',
      limit: 1,
    });
    if (created?.actor === actor) return;
    throw new EndpointChangeForbiddenError(before.name, change.fields);
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
    const own = secretValues(connection.settings, secretPaths(connector.settingsSchema));
    let result: { ok: boolean; message: string };
    const http = outboundHttp({ connector: connector.id, timeoutMs: connector.policy.timeoutMs });
    try {
      // an OAuth2 connector is checked with a fresh access token (refreshed once and stored when it expired)
      const settings = await ensureFreshToken({ store: this.deps.repos.connections, connector, connection, http });
      result = await connector.check({
        id: connection.id,
        name: connection.name,
        settings,
        log: this.deps.logger,
        http,
      });
    } catch (error) {
      result = { ok: false, message: toErrorInfo(error).message };
    }
    // vendor text: the connection's secrets in every derived form, and echoed credential headers, are scrubbed
    const message = redactVendorText(result.message, own);
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
