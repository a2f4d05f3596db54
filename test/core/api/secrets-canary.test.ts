import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../core/cli/main';
import { createLogger } from '../../../core/logging/logger';
import { openApiBed, type ApiBed } from './helpers';

/**
 * The canary of derived forms. A Mailchimp stand-in echoes the request's Authorization header back in its error
 * bodies (as some vendors and proxies do), and with it the API key in every form a secret travels in: raw, base64
 * alone, base64 of `user:key` for the user the hub sends and for another, URL-encoded and JSON-escaped. None of
 * those forms may reach any place the hub keeps or shows text: the check error, runs (error and failures), dead
 * letters, the audit log, the logs, the CLI's `--json` output, the SQLite file and its WAL.
 */

const CANARY = `mc-${Math.random().toString(36).slice(2)}/q+"w\\e= z~!`;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every form of the canary that must not appear anywhere, with a name for the failure message. */
function forms(): Record<string, string> {
  const out: Record<string, string> = {
    raw: CANARY,
    json: JSON.stringify(CANARY).slice(1, -1),
    url: encodeURIComponent(CANARY),
    form: encodeURIComponent(CANARY).replace(/%20/g, '+'),
    base64: b64(CANARY),
    base64url: b64(CANARY).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    basicHub: b64(`connector-hub:${CANARY}`),
    basicOther: b64(`someone-else:${CANARY}`),
  };
  // the part of base64(anything + key) that depends only on the key, for each alignment
  for (const pad of ['', 'x', 'xy']) out[`core${pad.length}`] = b64(pad + CANARY).slice(pad ? 4 : 0, -4);
  return out;
}

function leaks(place: string, text: string): string[] {
  return Object.entries(forms())
    .filter(([, form]) => text.includes(form))
    .map(([name]) => `${place}: ${name}`);
}

/** What the stand-in writes in an error: the header as received and the key in each form. */
function echo(authorization: string): string {
  const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
  const key = decoded.slice(decoded.indexOf(':') + 1);
  return [
    `request headers: {"Authorization": "${authorization}"}`,
    `Authorization: ${authorization}`,
    `key=${key}`,
    `b64=${b64(key)}`,
    `basic=Basic ${b64(`someone-else:${key}`)}`,
    `url=https://example.com/?apikey=${encodeURIComponent(key)}`,
    `json=${JSON.stringify({ apikey: key })}`,
  ].join('\n');
}

type Mode = 'refuse-members' | 'unauthorized';

async function mailchimpStandIn() {
  let mode: Mode = 'unauthorized';
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const said = echo(String(req.headers.authorization ?? ''));
      if (mode === 'unauthorized') {
        res.writeHead(401, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ title: 'API Key Invalid', status: 401, detail: said }));
        return;
      }
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            new_members: [],
            updated_members: [],
            errors: ['a@example.com', 'b@example.com'].map((email) => ({
              email_address: email,
              error: said,
              error_code: 'ERROR_GENERIC',
            })),
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Resource Not Found', status: 404, detail: said }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/3.0`,
    set(next: Mode) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('canary: a secret echoed by a vendor in derived forms reaches no place the hub keeps or shows', () => {
  let bed: ApiBed;
  let stub: Awaited<ReturnType<typeof mailchimpStandIn>>;
  const logLines: string[] = [];
  const saved = { allow: process.env.HUB_ALLOW_PRIVATE_HOSTS, dataDir: process.env.HUB_DATA_DIR };

  beforeAll(async () => {
    process.env.HUB_ALLOW_PRIVATE_HOSTS = '127.0.0.1';
    const destination = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    bed = await openApiBed({
      env: { HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1' },
      logger: createLogger({ level: 'debug', destination }),
    });
    stub = await mailchimpStandIn();
  });
  afterAll(async () => {
    for (const [name, value] of [
      ['HUB_ALLOW_PRIVATE_HOSTS', saved.allow],
      ['HUB_DATA_DIR', saved.dataDir],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await stub.close();
    await bed.close();
  });

  async function flowTo(name: string, connection: string): Promise<string> {
    const engineer = bed.as('engineer');
    bed.file(`${name}.csv`, 'email_address,status_if_new\na@example.com,subscribed\nb@example.com,subscribed\n');
    const source = await bed.fileConnection(`${name}-in`, { path: `${name}.csv`, idField: 'email_address' });
    const flow = await engineer
      .post('/flows', {
        name,
        source: { connection: source.name, stream: 'records' },
        mapping: { id: 'passthrough' },
        target: { connection, action: 'upsertMembers' },
        trigger: { type: 'manual' },
        mode: 'upsert',
        identity: { source: ['email_address'] },
      })
      .expect(201);
    await engineer.post(`/flows/${flow.body.id as string}/enable`).expect(200);
    const started = await engineer.post(`/flows/${flow.body.id as string}/run`).expect(202);
    return (await bed.waitForRun(started.body.runId as string)).id;
  }

  async function cli(...args: string[]): Promise<string> {
    let stdout = '';
    const output = { out: (t: string) => (stdout += `${t}\n`), err: (t: string) => (stdout += `${t}\n`) };
    await main(['node', 'hub', ...args], output);
    return stdout;
  }

  it('check error, runs, dead letters, audit, logs, CLI --json, the SQLite file and its WAL', async () => {
    const engineer = bed.as('engineer');
    const created = await engineer
      .post('/connections', {
        name: 'mc',
        connectorId: 'mailchimp',
        settings: { apiKey: CANARY, listId: 'list1', baseUrl: stub.url },
      })
      .expect(201);
    const id = created.body.id as string;
    const places: Record<string, string> = {};

    stub.set('unauthorized');
    const checked = await engineer.post(`/connections/${id}/check`).expect(200);
    expect(checked.body.ok).toBe(false);
    // the echo did arrive, masked
    expect(checked.body.message).toContain('API Key Invalid');
    expect(checked.body.message).toContain('Authorization: [redacted]');
    expect(checked.body.message).toContain('[secret]');
    places['check answer'] = JSON.stringify(checked.body);
    places['connection'] = (await engineer.get(`/connections/${id}`).expect(200)).text;

    stub.set('refuse-members');
    const partialRun = await flowTo('refused', 'mc');
    stub.set('unauthorized');
    const failedRun = await flowTo('unauthorized', 'mc');

    const partial = await engineer.get(`/runs/${partialRun}`).expect(200);
    expect(partial.body.status).toBe('partial');
    const failed = await engineer.get(`/runs/${failedRun}`).expect(200);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error.message).toContain('[secret]');
    places['run (partial)'] = partial.text;
    places['run (failed)'] = failed.text;

    const letters = await engineer.get('/dead-letters?limit=200').expect(200);
    const refused = (letters.body.items as { reason: string }[]).filter((l) =>
      l.reason.startsWith('Mailchimp refused the member'),
    );
    expect(refused.length).toBe(2);
    expect(refused[0].reason).toContain('[secret]');
    places['dead letters'] = letters.text;
    places['audit'] = (await bed.as('admin').get('/audit?limit=200').expect(200)).text;

    process.env.HUB_DATA_DIR = path.join(bed.dir, 'data');
    places['cli runs show --json'] = await cli('runs', 'show', partialRun, '--json');
    places['cli runs show --json (failed)'] = await cli('runs', 'show', failedRun, '--json');
    places['cli dlq list --json'] = await cli('dlq', 'list', '--json');
    places['cli connections list --json'] = await cli('connections', 'list', '--json');
    expect(places['cli dlq list --json']).toContain('Mailchimp refused the member');

    places['logs'] = logLines.join('');
    // the vendor's words were logged (the failed run's reason), scrubbed
    expect(places['logs']).toContain('API Key Invalid');

    const dataDir = path.join(bed.dir, 'data');
    const files = fs.readdirSync(dataDir).filter((f) => f.startsWith('hub.sqlite'));
    expect(files).toEqual(expect.arrayContaining(['hub.sqlite', 'hub.sqlite-wal']));
    for (const file of files) places[file] = fs.readFileSync(path.join(dataDir, file)).toString('latin1');
    // the WAL holds the rows written during the test (the dead letters' reasons among them)
    expect(places['hub.sqlite-wal'] + places['hub.sqlite']).toContain('Mailchimp refused the member');

    const found = Object.entries(places).flatMap(([place, text]) => leaks(place, text));
    expect(found).toEqual([]);
  });
});
