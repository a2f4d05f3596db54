import { ConfigError } from '../sdk/errors';
import { nameProblem } from './schemas/strings';
import { StoreNotFoundError } from '../store/errors';
import type { ApiToken, Repos, TokenRole } from '../store/repos';
import { isRole, ROLES } from './permissions';

/**
 * API tokens as the CLI (`hub tokens …`) and the API (`/tokens`) manage them. Only a token's hash is stored; the
 * clear token is returned once, by `create`. Every change is audited (never with the token).
 */

export const INITIAL_ADMIN_NAME = 'initial-admin';

export interface TokenServiceDeps {
  repos: Repos;
  transaction?: <T>(fn: (repos: Repos) => Promise<T>) => Promise<T>;
  now?: () => number;
}

export interface CreatedToken {
  /** The clear token: shown this once, never stored. */
  token: string;
  record: ApiToken;
}

export class TokenService {
  private readonly now: () => number;

  constructor(private readonly deps: TokenServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    return this.deps.transaction ? this.deps.transaction(fn) : fn(this.deps.repos);
  }

  async create(input: { name: string; role: string }, options: { actor?: string } = {}): Promise<CreatedToken> {
    const name = input.name.trim();
    if (name === '') throw new ConfigError('the token needs a name (who or what uses it)', { field: 'name' });
    // the API's schema checks names; the CLI comes here directly, so the same rule is applied here
    const problem = nameProblem(name);
    if (problem !== undefined) throw new ConfigError(`name ${problem}`, { field: 'name' });
    if (!isRole(input.role)) throw new ConfigError(`role must be one of ${ROLES.join(', ')}`, { field: 'role' });
    const role: TokenRole = input.role;
    return this.transaction(async (repos) => {
      const created = await repos.apiTokens.create({ name, role }, this.now());
      await repos.auditLog.record(
        {
          actor: options.actor ?? 'cli',
          action: 'token.create',
          entity: 'token',
          entityId: created.record.id,
          after: created.record,
        },
        this.now(),
      );
      return created;
    });
  }

  list(options: { includeRevoked?: boolean } = {}): Promise<ApiToken[]> {
    return this.deps.repos.apiTokens.list(options);
  }

  /** A token by id, or the one active token with that name (several → ConfigError asking for the id). */
  async find(ref: string): Promise<ApiToken> {
    const byId = await this.deps.repos.apiTokens.get(ref);
    if (byId) return byId;
    const named = (await this.deps.repos.apiTokens.list()).filter((t) => t.name === ref);
    if (named.length === 1) return named[0];
    if (named.length > 1) {
      throw new ConfigError(
        `${named.length} active tokens are named "${ref}"; revoke by id: ${named.map((t) => t.id).join(', ')}`,
        { field: 'token' },
      );
    }
    throw new StoreNotFoundError('token', ref);
  }

  /** Revokes a token (by id or name); revoking a revoked token changes nothing. */
  async revoke(ref: string, options: { actor?: string } = {}): Promise<ApiToken> {
    const before = await this.find(ref);
    if (before.revokedAt !== undefined) return before;
    return this.transaction(async (repos) => {
      await repos.apiTokens.revoke(before.id, this.now());
      const after = (await repos.apiTokens.get(before.id)) ?? before;
      await repos.auditLog.record(
        { actor: options.actor ?? 'cli', action: 'token.revoke', entity: 'token', entityId: before.id, before, after },
        this.now(),
      );
      return after;
    });
  }

  /**
   * On first start (no active token), creates an admin token named "initial-admin" and returns it so the caller
   * can print it once; undefined when tokens exist.
   */
  async ensureInitialAdmin(): Promise<CreatedToken | undefined> {
    if ((await this.deps.repos.apiTokens.countActive()) > 0) return undefined;
    return this.create({ name: INITIAL_ADMIN_NAME, role: 'admin' }, { actor: 'system' });
  }
}
