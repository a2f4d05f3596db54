import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import type { ApiTokensTable, Database } from '../schema';

export type TokenRole = 'admin' | 'engineer' | 'marketer' | 'viewer';

export interface ApiToken {
  id: string;
  name: string;
  role: TokenRole;
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

/** Tokens start with this prefix, so a leaked one is recognisable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'hub_';

/** Only the sha256 of a token is stored; a token has 256 random bits, so a fast hash is enough. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  const token: ApiToken = { id: row.id, name: row.name, role: row.role as TokenRole, createdAt: row.created_at };
  if (row.last_used_at !== null) token.lastUsedAt = row.last_used_at;
  if (row.revoked_at !== null) token.revokedAt = row.revoked_at;
  return token;
}

/** `last_used_at` is refreshed at most this often, so authenticating a request rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class ApiTokensRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a token. The clear token is returned here only; it cannot be shown again. */
  async create(
    input: { name: string; role: TokenRole },
    now: number = Date.now(),
  ): Promise<{ token: string; record: ApiToken }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row: Selectable<ApiTokensTable> = {
      id: newId(ID_PREFIX.apiToken, now),
      name: input.name,
      role: input.role,
      token_hash: hashToken(token),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { token, record: toToken(row) };
  }

  /** The token's record when it exists and is not revoked; records the use. */
  async verify(token: string, now: number = Date.now()): Promise<ApiToken | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
      row.last_used_at = now;
    }
    return toToken(row);
  }

  async get(id: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toToken(row);
  }

  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiToken[]> {
    let query = this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id');
    if (!options.includeRevoked) query = query.where('revoked_at', 'is', null);
    return (await query.execute()).map(toToken);
  }

  /** Revokes a token; true when it was active. */
  async revoke(id: string, now: number = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** How many active tokens exist (e.g. to offer creating the first admin token). */
  async countActive(): Promise<number> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
