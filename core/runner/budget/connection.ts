import { Value } from '@sinclair/typebox/value';
import { ConnectionPolicy, type Lane } from '../../sdk/contracts';
import type { ConnectionBudgetHook, ConnectorDefinition, VendorUsage } from '../../sdk/define';
import { laneKey, type BudgetPolicy, type ConnectionBudget } from '../budget-port';

/**
 * One connection's budget: its policy resolved from the connector's static policy and, when the connector computes
 * one, from the connection's settings (`policyFor`: tier, per-account limits), and the hook a connector uses to
 * take lane slots and feed vendor usage back. Budget keys are per connection (and per lane), so two connections of
 * one connector never share a budget and every worker of one connection does.
 */

/** A lane without a concurrency of its own is bounded only by its rate (and by the main budget's slots). */
const UNBOUNDED = 1_000_000;
const DEFAULT_HIGH_WATER_PERCENT = 90;
const DEFAULT_USAGE_PAUSE_MS = 60_000;

export interface ResolvedPolicy {
  /** The main budget: held by the runner around every read of a page and every write. */
  main: BudgetPolicy;
  lanes: Record<string, BudgetPolicy>;
}

/** Thrown when `policyFor` returns something the schema refuses; the runner stops the run naming it. */
export class ConnectionPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionPolicyError';
  }
}

function lanePolicy(lane: Lane): BudgetPolicy {
  return { requests: lane.requests, intervalMs: lane.intervalMs, concurrency: lane.concurrency ?? UNBOUNDED };
}

export function resolveConnectionPolicy(
  connector: Pick<ConnectorDefinition, 'id' | 'policy' | 'policyFor'>,
  settings: Record<string, unknown>,
): ResolvedPolicy {
  const base = connector.policy;
  let own: ConnectionPolicy = {};
  if (connector.policyFor !== undefined) {
    const computed: unknown = connector.policyFor(settings);
    if (!Value.Check(ConnectionPolicy, computed)) {
      const first = Value.Errors(ConnectionPolicy, computed).First();
      throw new ConnectionPolicyError(
        `connector ${connector.id}: policyFor returned an invalid policy for this connection's settings: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`,
      );
    }
    own = computed;
  }
  const rate = own.rateBudget ?? base.rateBudget;
  const lanes: Record<string, BudgetPolicy> = {};
  for (const [name, lane] of Object.entries({ ...base.lanes, ...own.lanes })) lanes[name] = lanePolicy(lane);
  return {
    main: { requests: rate.requests, intervalMs: rate.intervalMs, concurrency: own.concurrency ?? base.concurrency },
    lanes,
  };
}

/** The budget hook of one connection, bound to the shared budget (see ConnectionBudgetHook in the SDK). */
export function connectionBudgetHook(
  budget: ConnectionBudget,
  connectionId: string,
  policy: ResolvedPolicy,
  now: () => number = Date.now,
): ConnectionBudgetHook {
  const target = (lane: string | undefined): { key: string; policy: BudgetPolicy } => {
    if (lane === undefined) return { key: connectionId, policy: policy.main };
    const found = policy.lanes[lane];
    if (found === undefined) {
      const names = Object.keys(policy.lanes).join(', ') || 'none';
      throw new RangeError(`budget lane "${lane}" is not declared in the connector's policy; lanes: ${names}`);
    }
    return { key: laneKey(connectionId, lane), policy: found };
  };
  const pause = async (waitMs: number, reason: string, lane?: string) => {
    const { key } = target(lane);
    if (waitMs > 0) await budget.pause(key, now() + waitMs, reason);
  };
  return {
    async acquire(lane, signal) {
      const { key, policy: lanePolicy } = target(lane);
      const lease = await budget.acquire(key, lanePolicy, signal);
      return () => lease.release();
    },
    pause,
    async windowRemainder(lane) {
      const { key, policy: lanePolicy } = target(lane);
      return budget.windowRemainder(key, lanePolicy);
    },
    async reportUsage(usage: VendorUsage) {
      const regain = Math.max(0, usage.regainAccessMs ?? 0);
      const high = usage.usedPercent >= (usage.highWaterPercent ?? DEFAULT_HIGH_WATER_PERCENT);
      if (!high && regain === 0) return 0;
      const waitMs = regain > 0 ? regain : (usage.fallbackMs ?? DEFAULT_USAGE_PAUSE_MS);
      await pause(waitMs, `${usage.reason}: ${Math.round(usage.usedPercent)}% of the vendor's quota used`, usage.lane);
      return waitMs;
    },
  };
}
