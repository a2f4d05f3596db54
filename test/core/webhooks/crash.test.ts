import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../../core/store';
import { signTestWebhook } from '../../fixtures/connectors/webhook-test';
import { ROOT } from '../../helpers/hub-process';

/**
 * Durable before 2xx, in a real process: the hub's HTTP surface (fixtures/serve-webhooks.ts: buildHttpApp, group
 * commit over the SQLite writer thread) is SIGKILLed right after answering a delivery 2xx, with others in flight.
 * Every delivery answered 2xx is in the store afterwards, and no delivery is half-recorded.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'serve-webhooks.ts');
const SECRET = 'whsec-crash-0123456789';
const EVENTS_PER_DELIVERY = 3;
const KILL_AFTER = 40;

function ready(child: ChildProcess): Promise<{ url: string; connectionId: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the webhook server exited with ${code}: ${err}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /^ready (\S+) (\S+)$/m.exec(out);
      if (match) resolve({ url: match[1], connectionId: match[2] });
    });
  });
}

describe('webhook ingress killed right after a 2xx (SIGKILL)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-webhook-crash-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no delivery it answered 2xx and records none by halves', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, SECRET], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = child;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      running.once('exit', (_code, signal) => resolve(signal)),
    );
    const { url, connectionId } = await ready(running);

    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const deliver = async (): Promise<void> => {
      while (!killed) {
        const k = next++;
        const ids = Array.from({ length: EVENTS_PER_DELIVERY }, (_, j) => `d${k}-${j}`);
        const body = JSON.stringify({ events: ids.map((id) => ({ id, type: 'contact.updated' })) });
        let status: number;
        try {
          const res = await fetch(`${url}/webhooks/${connectionId}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signTestWebhook(SECRET, body, Date.now()) },
            body,
          });
          status = res.status;
        } catch {
          return; // the server is gone: this delivery's fate is unknown, as a vendor's would be
        }
        if (status === 200 && !killed) {
          acked.push(k);
          if (acked.length === KILL_AFTER) {
            killed = true;
            running.kill('SIGKILL');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, deliver));
    expect(await exited).toBe('SIGKILL');
    expect(acked).toHaveLength(KILL_AFTER);

    const store = await openStore({ dataDir: dir });
    try {
      const rows = await store.db
        .selectFrom('webhook_events')
        .select('event_id')
        .where('connection_id', '=', connectionId)
        .execute();
      const perDelivery = new Map<number, number>();
      for (const { event_id } of rows) {
        const k = Number(/^d(\d+)-\d+$/.exec(event_id)?.[1]);
        perDelivery.set(k, (perDelivery.get(k) ?? 0) + 1);
      }
      for (const k of acked) expect([k, perDelivery.get(k)]).toEqual([k, EVENTS_PER_DELIVERY]);
      for (const [k, count] of perDelivery) expect([k, count]).toEqual([k, EVENTS_PER_DELIVERY]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
