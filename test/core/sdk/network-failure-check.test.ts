import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { main } from '../../../core/cli/main';
import { resetOutbound } from '../../../core/security/outbound-policy';
import { forgetAnswered } from '../../../core/sdk/network-failure';
import { openApiBed, type ApiBed } from '../api/helpers';

/**
 * `Test connection` as users run it — the console wizard's `POST /connections/:id/check` and `hub connections
 * check` — shows the outbound door's plain words for a certificate the hub cannot trust and a host that does not
 * exist (the run-side behaviour is in network-failure.test.ts).
 */
describe('Test connection (API and CLI) says what a TLS or DNS failure means', () => {
  let bed: ApiBed;
  let server: https.Server;
  let host: string;
  const saved = { data: process.env.HUB_DATA_DIR, allow: process.env.HUB_ALLOW_PRIVATE_HOSTS };

  beforeAll(async () => {
    const tlsDir = join(__dirname, '../../fixtures/tls');
    server = https.createServer(
      { cert: readFileSync(join(tlsDir, 'self-signed.crt')), key: readFileSync(join(tlsDir, 'self-signed.key')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    bed = await openApiBed({ env: { HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
    process.env.HUB_DATA_DIR = join(bed.dir, 'data');
    process.env.HUB_ALLOW_PRIVATE_HOSTS = '127.0.0.1';
    forgetAnswered();
  });
  afterAll(async () => {
    await bed.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const [name, value] of [
      ['HUB_DATA_DIR', saved.data],
      ['HUB_ALLOW_PRIVATE_HOSTS', saved.allow],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetOutbound();
  });

  async function odooConnection(name: string, url: string): Promise<string> {
    const created = await bed
      .as('engineer')
      .post('/connections', {
        name,
        connectorId: 'odoo',
        settings: { url, database: 'sandbox', login: 'admin', apiKey: 'odoo-test-key-0001' },
      })
      .expect(201);
    return created.body.id as string;
  }

  async function cli(...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const output = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`) };
    const code = await main(['node', 'hub', ...args], output);
    return { code, out: out.trim() };
  }

  it('a self-signed certificate: the host, the reason and the fix, in the API and the CLI', async () => {
    const id = await odooConnection('odoo-self-signed', `https://${host}`);
    const words = `odoo: the TLS certificate of ${host} is self-signed: fix the server's certificate, or the URL setting (url) if it points to the wrong server; a private CA is trusted by starting the hub with NODE_EXTRA_CA_CERTS=<its PEM file>`;
    const checked = await bed.as('engineer').post(`/connections/${id}/check`).expect(200);
    expect(checked.body).toMatchObject({ ok: false, message: words });
    expect(await cli('connections', 'check', 'odoo-self-signed')).toEqual({
      code: 1,
      out: `odoo-self-signed: FAILED — ${words}`,
    });
  });

  it('a host that does not exist: "not found: check the URL setting", in the API and the CLI', async () => {
    const id = await odooConnection('odoo-typo', 'https://odoo.exmple.invalid');
    const words = 'odoo: host odoo.exmple.invalid not found: check the URL setting (url)';
    const checked = await bed.as('engineer').post(`/connections/${id}/check`).expect(200);
    expect(checked.body).toMatchObject({ ok: false, message: words });
    expect(await cli('connections', 'check', 'odoo-typo')).toEqual({ code: 1, out: `odoo-typo: FAILED — ${words}` });
  });
});
