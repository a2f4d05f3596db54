import './helpers/env';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/hub-process';
import fileConnector from '../../connectors/file';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logging/logger';
import { openHub } from '../../core/runtime/hub';
import { PrivateRedis } from './helpers/private-redis';

/**
 * Fail fast on missing infrastructure (issue 15): an unreachable Redis or PostgreSQL at start-up of `hub serve`,
 * `hub worker` and `hub flows run` is one line naming the variable, then exit 1 after a bounded wait — not a stack
 * trace per reconnection attempt and a process that never exits. A Redis whose maxmemory-policy is not noeviction
 * is refused with the fix (fault matrix row 20).
 */

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = path.join(ROOT, 'bin', 'hub.cjs');

/** Runs `hub …` as a child process (several at once), killed if it has not exited after `timeoutMs`. */
function hub(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Result> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...clean, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A flow on the SQLite store of `env` (it is never run: the queue is refused first). */
async function createFlow(env: Record<string, string>): Promise<void> {
  const files = path.join(env.HUB_DATA_DIR, 'files');
  fs.mkdirSync(files, { recursive: true });
  const hub = await openHub(loadConfig(env), { logger: createLogger({ level: 'silent' }), withoutRegistry: true });
  try {
    const settings = { directory: files, path: 'contacts.ndjson' };
    const source = await hub.repos.connections.create({
      name: 'source',
      connectorId: 'file',
      settings,
      settingsSchema: fileConnector.settingsSchema,
    });
    const target = await hub.repos.connections.create({
      name: 'target',
      connectorId: 'file',
      settings: { directory: files, path: 'out.ndjson' },
      settingsSchema: fileConnector.settingsSchema,
    });
    await hub.repos.mappings.save({ name: 'same', version: '1', expression: '$' });
    await hub.repos.flows.create({
      name: 'startup-check',
      definition: {
        name: 'startup-check',
        source: { connection: 'source', stream: 'records' },
        mapping: { id: 'same' },
        target: { connection: 'target', action: 'writeRecords' },
        trigger: { type: 'manual' },
        mode: 'upsert',
      },
      enabled: true,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
    });
  } finally {
    await hub.close();
  }
}

/** The lines a person reads: `error: …` lines, and whether anything looks like a stack trace. */
function errorLines(result: Result): { errors: string[]; stackLines: number } {
  const all = `${result.stdout}\n${result.stderr}`.split('\n');
  return {
    errors: all.filter((l) => l.startsWith('error:')),
    stackLines: all.filter((l) => /^\s+at /.test(l) || /"stack":/.test(l)).length,
  };
}

describe('start-up checks of the infrastructure', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-startup-'));
    env = {
      HUB_DATA_DIR: path.join(dir, 'data'),
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_LOG_LEVEL: 'warn',
    };
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an unreachable Redis: serve, worker and flows run say so in one line and exit 1', async () => {
    const redisUrl = `redis://127.0.0.1:${await closedPort()}`;
    const results = await Promise.all([
      hub(['serve', '--port', '0'], { ...env, HUB_REDIS_URL: redisUrl, HUB_HOST: '127.0.0.1' }),
      hub(['worker'], { ...env, HUB_REDIS_URL: redisUrl }),
      createFlow(env).then(() => hub(['flows', 'run', 'startup-check'], { ...env, HUB_REDIS_URL: redisUrl })),
    ]);
    for (const [i, result] of results.entries()) {
      const { errors, stackLines } = errorLines(result);
      if (result.status !== 1) process.stdout.write(`${result.stdout}\n${result.stderr}\n`);
      const what = ['serve', 'worker', 'flows run'][i];
      expect({ what, status: result.status, errors: errors.length, stackLines, first: errors[0] }).toEqual({
        first: expect.any(String),
        what,
        status: 1,
        errors: 1,
        stackLines: 0,
      });
      expect(`${what}: ${errors[0]}`).toMatch(/cannot reach Redis at HUB_REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\)/);
    }
  }, 180_000);

  it('an unreachable PostgreSQL: one line naming HUB_DATABASE_URL, exit 1', async () => {
    const result = await hub(['worker'], {
      ...env,
      HUB_DATABASE_URL: `postgres://hub:hub@127.0.0.1:${await closedPort()}/hub`,
    });
    const { errors, stackLines } = errorLines(result);
    expect({ status: result.status, errors: errors.length, stackLines }).toEqual({
      status: 1,
      errors: 1,
      stackLines: 0,
    });
    expect(errors[0]).toMatch(/PostgreSQL/);
    expect(errors[0]).toMatch(/HUB_DATABASE_URL/);
  }, 120_000);

  describe('row 20: Redis eviction policy', () => {
    let redis: PrivateRedis | undefined;
    afterEach(async () => {
      await redis?.cleanup();
    });

    it('a Redis whose maxmemory-policy is not noeviction is refused, naming the fix', async () => {
      redis = await PrivateRedis.start(['--maxmemory-policy', 'allkeys-lru']);
      const result = await hub(['worker'], { ...env, HUB_REDIS_URL: redis.url });
      const { errors, stackLines } = errorLines(result);
      expect({ status: result.status, errors: errors.length, stackLines }).toEqual({
        status: 1,
        errors: 1,
        stackLines: 0,
      });
      expect(errors[0]).toMatch(/maxmemory-policy "allkeys-lru"/);
      expect(errors[0]).toMatch(/CONFIG SET maxmemory-policy noeviction/);
      expect(errors[0]).toMatch(/HUB_REDIS_URL/);
    }, 120_000);
  });
});
