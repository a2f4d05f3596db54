import { defineAction, isHubError, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type MetaClient } from '../client';
import { graphErrorFrom } from '../errors';
import { EventInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { prepareEvent } from './event-payload';

/**
 * Conversions API: `POST /{pixel_id}/events` with `data=[…]` (up to 1,000), optional `test_event_code`.
 *
 * Meta accepts or refuses a request as a whole. So: every event is checked first (event-payload.ts) and a bad one
 * fails alone, naming its field; the rest go in one request. If Meta still refuses it with a data error (a rule
 * not checked here, or an event that went stale on the way), the batch is bisected: each half is sent on its own,
 * down to the single events Meta refuses, which dead-letter with Meta's words. An event Meta accepted is never
 * sent again by this write: halves are disjoint, and after the first accepted half a throttle or an outage fails
 * only the events not yet accepted (retryable), instead of throwing and making the runner resend the whole batch;
 * the halves still waiting are then failed the same way without being sent (a throttled token is not called again).
 * A refusal about the request rather than its events (a missing permission, a pixel that does not exist or that the
 * token cannot see) is not bisected: every half would be refused alike, ~2n requests for nothing.
 */

type Sent = { index: number; event: Record<string, unknown> };

/**
 * Graph errors about the request or the token, never about one event: 10 and 200–299 (permission), 100/33 (the
 * object does not exist or the token cannot see it: a wrong pixelId), 803 (an alias that does not exist).
 */
export function refusesTheRequest(error: unknown): boolean {
  const graph = graphErrorFrom(error);
  const code = graph?.code;
  if (code === undefined) return false;
  return code === 10 || (code >= 200 && code < 300) || code === 803 || (code === 100 && graph?.error_subcode === 33);
}

function failed(error: unknown): WriteOutcome {
  if (!isHubError(error)) throw error;
  const retryable = error.kind === 'retryable' || error.kind === 'rate_limited' || error.kind === 'auth';
  const wait = (error as { retryAfterMs?: number }).retryAfterMs;
  return {
    status: 'failed',
    failure: retryable ? 'retryable' : 'permanent',
    reason: error.message,
    ...(retryable && wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

class Sender {
  accepted = 0;
  /** A failure not about the data, after something was accepted: what every later half fails with, unsent. */
  private stopped: unknown;
  constructor(
    private readonly client: MetaClient,
    private readonly settings: MetaSettings,
    private readonly outcomes: WriteOutcome[],
  ) {}

  private async post(events: Sent[]): Promise<void> {
    await this.client.request('POST', `${this.settings.pixelId}/events`, {
      body: {
        data: events.map((e) => e.event),
        ...(this.settings.testEventCode === undefined ? {} : { test_event_code: this.settings.testEventCode }),
      },
      where: `POST /{pixel_id}/events (${events.length} event${events.length === 1 ? '' : 's'})`,
    });
    for (const e of events)
      this.outcomes[e.index] = {
        status: 'ok',
        targetId: `${String(e.event.event_name)}:${String(e.event.event_id)}`,
        operation: 'created',
      };
    this.accepted += events.length;
  }

  /** Sends the events; a data refusal splits the batch in two until the refused events are alone. */
  async send(events: Sent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.stopped !== undefined) {
      for (const e of events) this.outcomes[e.index] = failed(this.stopped);
      return;
    }
    try {
      await this.post(events);
    } catch (error) {
      const dataError = isHubError(error) && error.kind === 'permanent' && !refusesTheRequest(error);
      // nothing accepted yet and not about the data: the runner retries (or stops on auth) the batch as a whole
      if (!dataError && this.accepted === 0) throw error;
      if (!dataError) this.stopped = error;
      if (!dataError || events.length === 1) {
        for (const e of events) this.outcomes[e.index] = failed(error);
        return;
      }
      const half = Math.ceil(events.length / 2);
      await this.send(events.slice(0, half));
      await this.send(events.slice(half));
    }
  }
}

export const sendEvents = defineAction<MetaSettings, EventInput>({
  name: 'sendEvents',
  title: 'Send conversion events',
  description:
    'Sends Purchase, Lead and custom events to the Conversions API (hashed user data, event_id for de-duplication with the pixel); one refused event never holds back the others',
  recordSchema: EventInput,
  mode: 'append',
  maxBatchSize: 1_000,
  identity: ['event_name', 'event_id'],
  async write({ connection, records }) {
    const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
    const valid: Sent[] = [];
    const now = Math.floor(Date.now() / 1000);
    records.forEach((record, index) => {
      let prepared: ReturnType<typeof prepareEvent>;
      try {
        prepared = prepareEvent(record, now);
      } catch (error) {
        // one record the checks did not foresee fails alone, never its whole batch
        const why = error instanceof Error ? error.message : String(error);
        prepared = { ok: false, problem: { field: 'event_name', reason: `the event could not be prepared: ${why}` } };
      }
      if (prepared.ok) valid.push({ index, event: prepared.event });
      else
        outcomes[index] = {
          status: 'failed',
          failure: 'permanent',
          reason: prepared.problem.reason,
          field: prepared.problem.field,
        };
    });
    await new Sender(clientFor(connection), connection.settings, outcomes).send(valid);
    return outcomes;
  },
});
