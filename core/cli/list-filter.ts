import { ConfigError } from '../sdk/errors';
import type { Hub } from '../runtime/hub';

/** The options every ledger-style `list` command takes: `--flow`, `--status` (one of its statuses or `all`), `--limit`. */
export interface ListOptions {
  flow?: string;
  status: string;
  limit: string;
}

/**
 * Checks a list command's options and resolves them into a repository filter: the flow by name or id, the status
 * (`all` → none) and a positive limit; a bad value is a ConfigError naming the flag.
 */
export async function listFilter<S extends string>(
  hub: Pick<Hub, 'repos'>,
  opts: ListOptions,
  statuses: readonly (S | 'all')[],
): Promise<{ flowId: string | undefined; status: S | undefined; limit: number }> {
  if (!(statuses as readonly string[]).includes(opts.status))
    throw new ConfigError(`--status must be one of ${statuses.join(', ')}`, { field: '--status' });
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new ConfigError('--limit must be a positive whole number');
  const flowId = opts.flow === undefined ? undefined : (await hub.repos.flows.require(opts.flow)).id;
  const status = opts.status === 'all' ? undefined : (opts.status as S);
  return { flowId, status, limit };
}
