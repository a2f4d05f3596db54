import type { ConnectorLogger } from '../sdk/define';
import type { FlowsRepo, WebhookEventsRepo } from '../store/repos';
import type { FlowRunner } from '../runner/runner-port';
import type { FlowDefinition } from './schema';

export interface WebhookTriggerDeps {
  flows: Pick<FlowsRepo, 'list'>;
  /**
   * The connection's pending events: their ids are read (not the events) and marked processed once the runs are
   * queued. On a SQLite file `hub serve` marks them through the webhook event writer (SqliteEventWriter), in the
   * transaction of the next group of deliveries, so a pass makes no commit on the thread that answers requests.
   */
  events: Pick<WebhookEventsRepo, 'pendingIds' | 'markProcessed'>;
  runner: Pick<FlowRunner, 'startRun'>;
  logger: Pick<ConnectorLogger, 'info' | 'warn'>;
}

export interface WebhookTrigger {
  /** Called by the ingress once events are durably recorded: starts the webhook-triggered flows of that source. */
  onAccepted(connectionId: string, eventIds: string[]): Promise<void>;
}

/**
 * Turns accepted webhook events into runs. An event says "something changed at the source"; the flow's run then
 * reads the source stream from its checkpoint, so the change is synced with every guarantee of a normal run
 * (links, echo suppression, conflicts, dead letters). Events are marked processed once a run covering them is
 * queued; while no enabled webhook flow reads from the connection they stay pending. startRun is idempotent per
 * flow, so a burst of deliveries queues one run, not one per event; the ingress calls this at most once at a time
 * per connection (AcceptedLanes), so a burst also makes few passes: each reads the pending ids once and marks them
 * once, for all the deliveries accepted while the previous pass ran.
 */
export function createWebhookTrigger(deps: WebhookTriggerDeps): WebhookTrigger {
  return {
    async onAccepted(connectionId) {
      const flows = (await deps.flows.list({ enabled: true, connectionId })).filter((flow) => {
        const definition = flow.definition as unknown as FlowDefinition;
        return flow.sourceConnectionId === connectionId && definition.trigger?.type === 'webhook';
      });
      if (flows.length === 0) return;
      // read before the runs are queued: an event recorded later is not marked by this pass (a run may have started)
      const pending = await deps.events.pendingIds(connectionId, 10_000);
      for (const flow of flows) {
        const { runId, created } = await deps.runner.startRun(flow.id, 'webhook');
        deps.logger.info({ flowId: flow.id, runId, created }, 'webhook events queued a run');
      }
      if (pending.length > 0) await deps.events.markProcessed(pending);
    },
  };
}
