import { createWebhookTrigger } from '../../../core/flows';
import type { FlowRunner } from '../../../core/runner/runner-port';
import { fileFlow, openTestBed, type FlowsTestBed } from './helpers';

/** Records the runs asked for; the real runner's idempotence per flow is tested in test/core/runner. */
function recordingRunner(): Pick<FlowRunner, 'startRun'> & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    async startRun(flowId) {
      started.push(flowId);
      return { runId: `run-${started.length}`, created: true };
    },
  };
}

const quiet = { info: () => undefined, warn: () => undefined };

describe('webhook trigger', () => {
  let bed: FlowsTestBed;
  beforeEach(async () => {
    bed = await openTestBed();
    await bed.fileConnection('in');
    await bed.fileConnection('out');
    await bed.fileConnection('other');
  });
  afterEach(() => bed.close());

  it('starts the enabled webhook flows reading from the connection and marks its events processed', async () => {
    const hooked = await bed.service.create(fileFlow({ name: 'hooked', trigger: { type: 'webhook' } }));
    await bed.service.enable(hooked.id);
    const manual = await bed.service.create(fileFlow({ name: 'manual' }));
    await bed.service.enable(manual.id);
    const disabled = await bed.service.create(fileFlow({ name: 'disabled', trigger: { type: 'webhook' } }));
    // writes INTO the connection: an event from it must not trigger this flow
    const reverse = await bed.service.create(
      fileFlow({
        name: 'reverse',
        source: { connection: 'other', stream: 'records' },
        target: { connection: 'in', action: 'writeRecords' },
        trigger: { type: 'webhook' },
      }),
    );
    await bed.service.enable(reverse.id);
    const inId = (await bed.repos.connections.require('in')).id;
    await bed.repos.webhookEvents.recordMany(inId, [
      { id: 'evt-1', type: 'contact.updated' },
      { id: 'evt-2', type: 'contact.created' },
    ]);

    const runner = recordingRunner();
    await createWebhookTrigger({
      flows: bed.repos.flows,
      events: bed.repos.webhookEvents,
      runner,
      logger: quiet,
    }).onAccepted(inId, ['evt-1', 'evt-2']);

    expect(runner.started).toEqual([hooked.id]);
    expect(runner.started).not.toContain(disabled.id);
    expect(await bed.repos.webhookEvents.pending(inId)).toEqual([]);
  });

  it('keeps events pending while no webhook flow reads from the connection', async () => {
    const inId = (await bed.repos.connections.require('in')).id;
    await bed.repos.webhookEvents.recordMany(inId, [{ id: 'evt-9', type: 'contact.updated' }]);
    const runner = recordingRunner();
    await createWebhookTrigger({
      flows: bed.repos.flows,
      events: bed.repos.webhookEvents,
      runner,
      logger: quiet,
    }).onAccepted(inId, ['evt-9']);
    expect(runner.started).toEqual([]);
    expect((await bed.repos.webhookEvents.pending(inId)).map((e) => e.eventId)).toEqual(['evt-9']);
  });
});
