import { Writable } from 'node:stream';
import { createLogger } from '../../../core/logging/logger';
import { AuthError, RetryableError, type ConnectionContext } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from '../runner/harness';

/**
 * The canary: a secret in a connection's settings that the connector logs (as an object, in messages) and quotes
 * in the errors it throws. Whatever path it takes through the runner, it must never reach a log line; neither may
 * the personal data fields a connector logs.
 */

const CANARY = `canary-${Math.random().toString(36).slice(2)}-secret`;

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

/** What a careless connector logs about its connection. */
function chatter(connection: ConnectionContext, what: string): void {
  const settings = connection.settings as { token: string };
  connection.log.info({ settings }, `${what}: settings`);
  connection.log.info({ auth: { token: settings.token }, credentials: settings }, `${what} with ${settings.token}`);
  connection.log.debug({ record: { email: 'person1@example.com', phone: '+33 6 12 34 56 78' } }, `${what}: a record`);
}

describe('logging canary', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('never logs a connection secret, even when a connector logs it and throws errors quoting it', async () => {
    const log = capture();
    h = await createHarness({ deps: { logger: log.logger } });
    const a = await h.connector('a');
    const b = await h.connector('b');
    const source = await h.repos.connections.create({
      name: 'canary-source',
      connectorId: a.definition.id,
      settings: { token: CANARY },
      settingsSchema: a.definition.settingsSchema,
    });
    const target = await h.repos.connections.create({
      name: 'canary-target',
      connectorId: b.definition.id,
      settings: { token: CANARY },
      settingsSchema: b.definition.settingsSchema,
    });

    const stream = a.definition.streams[0];
    const read = stream.read.bind(stream);
    let authOnRead = false;
    stream.read = (args) => {
      chatter(args.connection, 'reading');
      if (authOnRead) throw new AuthError(`the vendor refused token ${CANARY}`);
      return read(args);
    };
    const action = b.definition.actions[0];
    const write = action.write.bind(action);
    let calls = 0;
    action.write = async (args) => {
      chatter(args.connection, 'writing');
      calls += 1;
      if (calls === 1) throw new RetryableError(`503 for request with Authorization: Bearer ${CANARY}`);
      return write(args);
    };
    b.faults.reject = (record) =>
      record.email === 'person2@example.com' ? { reason: `rejected, your key ${CANARY} is read-only` } : undefined;

    seed(a, 3);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({
      name: 'canary-flow',
      source: { connection: 'canary-source', stream: 'contacts' },
      target: { connection: 'canary-target', action: 'upsertContacts' },
    });
    const run = await h.run('canary-flow');
    expect(run.counts).toMatchObject({ read: 3, created: 2, failed: 1, deadLettered: 1 });
    expect(calls).toBeGreaterThan(1);

    authOnRead = true;
    const failed = await h.run('canary-flow');
    expect(failed.status).toBe('failed');

    const out = log.lines.join('');
    // the paths the canary was sent down did reach the log
    expect(out).toMatch(/write failed[^"]*after a backoff/);
    expect(out).toContain('run failed');
    expect(out).toContain('reading with');
    // ...and it never did
    expect(out).not.toContain(CANARY);
    expect(out).toContain('[redacted]');
    expect(out).toContain('[secret]');
    // personal data fields are redacted too
    expect(out).not.toContain('person1@example.com');
    expect(out).not.toContain('+33 6 12 34 56 78');

    // connector loggers are children bound to the flow and the connection they work for
    const entries = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const reading = entries.find((e) => e.msg === 'reading: settings');
    expect(reading).toMatchObject({
      flowId: flow.id,
      connectionId: source.id,
      connector: a.definition.id,
      settings: '[redacted]',
    });
    const writing = entries.find((e) => e.msg === 'writing: settings');
    expect(writing).toMatchObject({ flowId: flow.id, connectionId: target.id, connector: b.definition.id });
  });
});
