import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { invoices } from '../../../connectors/odoo/streams/invoices';
import { orders } from '../../../connectors/odoo/streams/orders';
import { partners } from '../../../connectors/odoo/streams/partners';
import { FUTURE_SKEW_MS, latestTimeIn } from '../../../core/runner/read-start';
import type { Json } from '../../../core/sdk';
import { connection, readAll } from './helpers';

/**
 * Odoo's write_date is naive UTC text ("YYYY-MM-DD HH:MM:SS", no zone). The records carry it as ISO with Z; the
 * checkpoints must too: the runner reads the times of a stored checkpoint to refuse one "in the future"
 * (core/runner/read-start.ts), and Date.parse reads a zone-less "2026-03-01 10:00:00" as local time. On a hub whose
 * time zone is west of UTC, a checkpoint just written then lay hours ahead of the clock and every run read nothing.
 */

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Every string in a checkpoint that looks like a time. */
function timesIn(value: Json | null): string[] {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}/.test(value) ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap((v) => timesIn(v as Json));
}

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('Odoo checkpoints carry their zone (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 12, seedOrders: 5, seed: 3 });
  });
  afterEach(() => sandbox.close());

  it.each([
    ['partners', partners],
    ['orders', orders],
    ['invoices', invoices],
  ] as const)(
    '%s: every page, and an unchanged rerun, store ISO UTC times the runner reads as UTC',
    async (_n, stream) => {
      const conn = connection({ ...sandbox.settings, pageSize: 4 });
      const first = await readAll(stream as typeof partners, conn);
      const rerun = await readAll(stream as typeof partners, conn, first.checkpoint);
      for (const page of [...first.pages, ...rerun.pages]) {
        const times = timesIn(page.checkpoint);
        expect(times.length).toBeGreaterThan(0);
        for (const time of times) expect(time).toMatch(ISO_Z);
      }
      // the runner's reading of the checkpoint is the newest record's second, not shifted by the local time zone
      const newest = Math.max(...first.records.map((r) => Date.parse(r.write_date)));
      expect(latestTimeIn(first.checkpoint)).toBeGreaterThanOrEqual(newest);
      expect(latestTimeIn(first.checkpoint)! - Date.now()).toBeLessThan(FUTURE_SKEW_MS);
    },
  );
});

it('in a time zone west of UTC the runner does not find a fresh Odoo checkpoint in the future', async () => {
  const root = join(__dirname, '../../..').replace(/\\/g, '/');
  // a hub process in New York (UTC-5): read partners and orders from a sandbox, then ask what the runner's check asks
  const script = `
    const { startSandbox } = require('${root}/connectors/odoo/sandbox');
    const { partners } = require('${root}/connectors/odoo/streams/partners');
    const { orders } = require('${root}/connectors/odoo/streams/orders');
    const { latestTimeIn } = require('${root}/core/runner/read-start');
    (async () => {
      const sandbox = await startSandbox({ seedContacts: 5, seedOrders: 2, seed: 3 });
      const log = { debug() {}, info() {}, warn() {}, error() {} };
      const connection = { id: 'c', name: 'odoo', settings: sandbox.settings, log };
      const ahead = {};
      for (const [name, stream] of [['partners', partners], ['orders', orders]]) {
        let checkpoint = null;
        for await (const page of stream.read({ connection, checkpoint: null })) checkpoint = page.checkpoint;
        ahead[name] = latestTimeIn(checkpoint) - Date.now();
      }
      await sandbox.close();
      console.log(JSON.stringify({ offset: new Date().getTimezoneOffset(), ahead }));
    })().catch((e) => { console.log(JSON.stringify({ error: String(e) })); });`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '-e', script],
      { env: { ...process.env, TZ: 'America/New_York' }, timeout: 60_000 },
      (error, out) => (error ? reject(error) : resolve(out.trim())),
    ),
  );
  const result = JSON.parse(stdout.split('\n').pop()!) as { offset: number; ahead: Record<string, number> };
  expect(result.offset).toBeGreaterThanOrEqual(240); // the child really runs west of UTC (EDT 240, EST 300)
  expect(result.ahead.partners).toBeLessThan(FUTURE_SKEW_MS);
  expect(result.ahead.orders).toBeLessThan(FUTURE_SKEW_MS);
}, 90_000);
