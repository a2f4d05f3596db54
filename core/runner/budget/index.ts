import type { HubLogger } from '../../logging/logger';
import type { ConnectionBudget } from '../budget-port';
import { createMemoryBudget } from './memory';
import { createRedisBudget } from './redis';
import type { BudgetOptions } from './shared';

export { createMemoryBudget, type MemoryBudget } from './memory';
export { createRedisBudget, type RedisBudget, type RedisBudgetOptions } from './redis';
export {
  connectionBudgetHook,
  ConnectionPolicyError,
  resolveConnectionPolicy,
  type ResolvedPolicy,
} from './connection';
export { BudgetClosedError, type BudgetOptions, type TimedLease } from './shared';

export interface CreateBudgetOptions extends BudgetOptions {
  /** Redis key prefix (Redis mode only). */
  prefix?: string;
  logger?: HubLogger;
}

/**
 * The budget for the configured mode: in Redis when a Redis URL is set (every worker on every machine shares it),
 * else in memory (the embedded mode runs every worker in one process).
 */
export function createBudget(config: { redisUrl?: string }, options: CreateBudgetOptions = {}): ConnectionBudget {
  if (config.redisUrl) return createRedisBudget({ ...options, redisUrl: config.redisUrl });
  return createMemoryBudget(options);
}
