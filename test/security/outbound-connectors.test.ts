import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import nock from 'nock';
import hubspot from '../../connectors/hubspot';
import mailchimp from '../../connectors/mailchimp';
import sendgrid from '../../connectors/sendgrid';
import type { ConnectionContext, ConnectorDefinition, ConnectorLogger, WriteOutcome } from '../../core/sdk';
import { outboundHttp } from '../../core/sdk';
import { configureOutbound, resetOutbound } from '../../core/security/outbound-policy';

// jest's loader does not consult the hub's `connector-hub/sdk` alias (see test/integration/unisender-plugin.test.ts)
jest.mock('connector-hub/sdk', () => jest.requireActual('../../core/sdk'), { virtual: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the alias above
const unisender = (require('../../examples/unisender-plugin') as { connector: ConnectorDefinition }).connector;

/**
 * The SSRF suite (#13): every way of naming this machine, names that resolve to private addresses, redirect chains
 * and other schemes, through each built-in connector's check, a stream read and an action, and through a plugin
 * (the Unisender example) — all refused, and the listener this test runs on 127.0.0.1 is never reached.
 */

const TOKEN = 'pat-na1-ssrf-canary-token-1234';
const MC_KEY = '0123456789abcdef0123456789abcdef-us7';
const SG_KEY = 'SG.ssrf-canary-key';
const UNI_KEY = 'uni-ssrf-canary-key';
const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface Subject {
  name: string;
  connector: ConnectorDefinition;
  settings: (baseUrl: string) => Record<string, unknown>;
  stream: string;
  action: string;
  record: Record<string, unknown>;
  secrets: string[];
}

const SUBJECTS: Subject[] = [
  {
    name: 'hubspot',
    connector: hubspot as unknown as ConnectorDefinition,
    settings: (baseUrl) => ({ accessToken: TOKEN, searchRateLimit: 1000, tier: 'api-add-on', lookbackMs: 0, baseUrl }),
    stream: 'contacts',
    action: 'upsertContacts',
    record: { email: 'ssrf@example.com', properties: { firstname: 'S' } },
    secrets: [TOKEN],
  },
  {
    name: 'mailchimp',
    connector: mailchimp as unknown as ConnectorDefinition,
    settings: (baseUrl) => ({ apiKey: MC_KEY, listId: 'list123', webhookToken: 'tok-0123456789abcdef', baseUrl }),
    stream: 'members',
    action: 'upsertMembers',
    record: { email_address: 'ssrf@example.com', status_if_new: 'subscribed' },
    secrets: [MC_KEY, Buffer.from(`connector-hub:${MC_KEY}`).toString('base64')],
  },
  {
    name: 'sendgrid',
    connector: sendgrid as unknown as ConnectorDefinition,
    settings: (baseUrl) => ({ apiKey: SG_KEY, baseUrl, importPollMs: 10 }),
    stream: 'contacts',
    action: 'upsertContacts',
    record: { email: 'ssrf@example.com', first_name: 'S' },
    secrets: [SG_KEY],
  },
  {
    name: 'unisender (plugin)',
    connector: unisender,
    settings: (baseUrl) => ({ apiKey: UNI_KEY, listId: 1, baseUrl }),
    stream: 'contacts',
    action: 'importContacts',
    record: { email: 'ssrf@example.com', fields: { Name: 'S' } },
    secrets: [UNI_KEY],
  },
];

/** What a refusal says: the door names the field (or the redirect) and why. */
const REFUSED =
  /baseUrl|redirect to another origin|redirect location|non-public|must be an https:\/\/ URL|local or metadata|not a valid URL/;

/** The context the runner and the connection service build: the connector's own door. */
function contextFor(subject: Subject, baseUrl: string): ConnectionContext {
  return {
    id: 'ssrf',
    name: 'ssrf',
    settings: subject.settings(baseUrl),
    log: silentLog,
    http: outboundHttp({ connector: subject.connector.id, timeoutMs: 5_000 }),
  };
}

async function checkOf(subject: Subject, context: ConnectionContext): Promise<string> {
  const result = await subject.connector.check(context).catch((e: Error) => ({ ok: false, message: e.message }));
  expect(result.ok).toBe(false);
  return result.message;
}

async function readOf(subject: Subject, context: ConnectionContext): Promise<string> {
  const stream = subject.connector.streams.find((s) => s.name === subject.stream)!;
  try {
    for await (const page of stream.read({ connection: context, checkpoint: null })) {
      return `read a page of ${page.records.length} record(s)`;
    }
  } catch (error) {
    return (error as Error).message;
  }
  return 'the read ended without an error';
}

async function writeOf(subject: Subject, context: ConnectionContext): Promise<string> {
  const action = subject.connector.actions.find((a) => a.name === subject.action)!;
  let outcomes: WriteOutcome[];
  try {
    outcomes = await action.write({ connection: context, records: [subject.record] });
  } catch (error) {
    return (error as Error).message;
  }
  expect(outcomes.map((o) => o.status)).toEqual(['failed']);
  return outcomes.map((o) => (o.status === 'failed' ? o.reason : '')).join('; ');
}

const OPERATIONS = [
  ['check', checkOf],
  ['read', readOf],
  ['write', writeOf],
] as const;

let listener: http.Server;
let port: number;
let hits = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  listener = http.createServer((_req, res) => res.end('{}'));
  // every TCP connection counts, not only complete HTTP requests (a TLS hello to this port is a hit too)
  listener.on('connection', (socket: Socket) => {
    hits++;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => listener.close(resolve));
  resetOutbound();
});
beforeEach(() => resetOutbound());

/** This machine (and its neighbours) in every spelling; each is tried with and without TLS. */
const HOSTS = [
  '127.0.0.1',
  '0x7f000001',
  '0X7F.0.0.1',
  '2130706433',
  '0177.0.0.1',
  '017700000001',
  '127.1',
  '127.0.1',
  '127.000.000.001',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:127.0.0.1]',
  '[::127.0.0.1]',
  '[::1]',
  '[::]',
  '0.0.0.0',
  '0',
  'localhost',
  'LOCALHOST.',
  'api.localhost',
  '10.0.0.1',
  '192.168.1.10',
  '169.254.169.254',
  'metadata.google.internal',
  '[fe80::1]',
  '[fd00::1]',
  '224.0.0.1',
  '[ff02::1]',
];

describe('the outbound door refuses this machine in every spelling', () => {
  // nock patches http.request: take it down, so these requests would really go out if the door let them
  beforeAll(() => nock.restore());

  describe.each(SUBJECTS.map((s) => [s.name, s] as const))('%s', (_name, subject) => {
    it.each(OPERATIONS)('%s is refused for every spelling and scheme, and nothing is reached', async (_op, run) => {
      for (const host of HOSTS) {
        for (const scheme of ['http', 'https']) {
          const baseUrl = `${scheme}://${host}:${port}`;
          const message = await run(subject, contextFor(subject, baseUrl));
          expect({ baseUrl, message }).toEqual({ baseUrl, message: expect.stringMatching(REFUSED) });
        }
      }
      expect(hits).toBe(0);
    });

    it.each(OPERATIONS)('%s is refused for file:, gopher: and ftp: base URLs', async (_op, run) => {
      for (const baseUrl of ['file:///etc/passwd', `gopher://127.0.0.1:${port}/_GET`, `ftp://127.0.0.1:${port}/`]) {
        const message = await run(subject, contextFor(subject, baseUrl));
        expect({ baseUrl, message }).toEqual({ baseUrl, message: expect.stringMatching(REFUSED) });
      }
      expect(hits).toBe(0);
    });

    it.each(OPERATIONS)('%s is refused for names that resolve to private addresses', async (_op, run) => {
      const answers: Record<string, string[]> = {
        'private.vendor.test': ['127.0.0.1'],
        'mixed.vendor.test': ['93.184.216.34', '127.0.0.1'],
        'mapped.vendor.test': ['::ffff:127.0.0.1'],
        'six.vendor.test': ['::1'],
        'metadata.vendor.test': ['169.254.169.254'],
        'lan.vendor.test': ['10.1.2.3'],
      };
      configureOutbound({
        resolver: async (host) =>
          (answers[host] ?? ['93.184.216.34']).map((address) => ({
            address,
            family: address.includes(':') ? (6 as const) : (4 as const),
          })),
      });
      for (const host of Object.keys(answers)) {
        const baseUrl = `https://${host}:${port}`;
        const message = await run(subject, contextFor(subject, baseUrl));
        expect({ baseUrl, message }).toEqual({ baseUrl, message: expect.stringMatching(REFUSED) });
      }
      expect(hits).toBe(0);
    });
  });

  it('a built-in connector given a context without a door gets the same checks', async () => {
    for (const subject of SUBJECTS.filter((s) => !s.name.includes('plugin'))) {
      const bare: ConnectionContext = {
        id: 'bare',
        name: 'bare',
        settings: subject.settings(`https://0x7f000001:${port}`),
        log: silentLog,
      };
      expect(await checkOf(subject, bare)).toMatch(REFUSED);
    }
    expect(hits).toBe(0);
  });
});

describe('redirect chains', () => {
  const seen: Record<string, string | string[] | undefined>[] = [];
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    // the listener stays reachable: a hop the door let through would be counted there
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  function redirectAll(origin: string, location: string): void {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
      nock(origin).persist().intercept(/.*/, method).reply(307, '', { location });
  }

  describe.each(SUBJECTS.map((s) => [s.name, s] as const))('%s', (_name, subject) => {
    it.each(OPERATIONS)('%s: a public host redirecting to a private one is refused at that hop', async (_op, run) => {
      for (const target of [
        `http://127.0.0.1:${port}/x`,
        `https://0x7f000001:${port}/x`,
        `https://[::ffff:127.0.0.1]:${port}/x`,
        'http://169.254.169.254/latest/meta-data/',
        `gopher://127.0.0.1:${port}/_x`,
        'file:///etc/passwd',
      ]) {
        redirectAll('https://api.vendor.test', target);
        const message = await run(subject, contextFor(subject, 'https://api.vendor.test'));
        expect({ target, message }).toEqual({ target, message: expect.stringMatching(REFUSED) });
        nock.cleanAll();
      }
      expect(hits).toBe(0);
    });

    it.each(OPERATIONS)('%s: credentials do not follow a redirect to another origin', async (_op, run) => {
      // another host, and the same host on another port (node-fetch kept the Bearer token for the latter)
      for (const other of ['https://other.vendor.test', 'https://api.vendor.test:8443']) {
        seen.length = 0;
        redirectAll('https://api.vendor.test', `${other}/landing`);
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
          nock(other)
            .persist()
            .intercept(/.*/, method)
            .reply(401, { message: 'who are you' })
            .on(
              'request',
              (req: { headers: Record<string, string | string[] | undefined> }, _i: unknown, body: string) => {
                seen.push({ ...req.headers, body });
              },
            );
        const message = await run(subject, contextFor(subject, 'https://api.vendor.test'));
        // a request with a body (the Unisender key travels in it) is not sent on to another origin at all
        if (seen.length === 0) expect(message).toMatch(/redirect to another origin/);
        for (const headers of seen) {
          expect(headers.authorization).toBeUndefined();
          expect(headers.cookie).toBeUndefined();
          for (const secret of subject.secrets) expect(JSON.stringify(headers)).not.toContain(secret);
        }
        nock.cleanAll();
      }
    });
  });
});
