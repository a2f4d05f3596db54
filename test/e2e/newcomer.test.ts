import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildClone, cleanEnv, makeFreshClone, type FreshClone, type RunResult } from './fresh-clone';

/**
 * A newcomer follows the README on a fresh clone, in order: install (the `prepare` step builds dist/), `npm start`
 * (health and readiness answer, the sandbox workspace exists), `npx hub --version`, `npx hub connectors list`,
 * then the marketer walkthrough — the commands are read from the README's own code block, so the test fails
 * when the README says something that no longer works. Every command must exit 0 and print no JSON log line.
 * (`hub demo` has its own test: test/core/cli/demo.test.ts.)
 */

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The first ```bash block after the heading, one command per line, comments dropped. */
function commandsUnder(heading: string): string[] {
  const from = README.indexOf(heading);
  if (from < 0) throw new Error(`README has no heading "${heading}"`);
  const block = /```bash\n([\s\S]*?)```/.exec(README.slice(from))?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const JSON_LOG_LINE = /^\{"level":/m;

function expectClean(command: string, result: RunResult): void {
  expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: result.stderr });
  expect({ command, jsonLog: JSON_LOG_LINE.test(result.stdout + result.stderr) }).toEqual({ command, jsonLog: false });
  expect({ command, ebadengine: result.stderr.includes('EBADENGINE') }).toEqual({ command, ebadengine: false });
}

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

/** `npm start` as the README says, on a free port (HUB_PORT=0); resolves once the address is printed. */
function npmStart(clone: FreshClone): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: clone.dir,
    env: cleanEnv({ HUB_PORT: '0' }),
    detached: true, // its own process group: npm and the hub it starts are stopped together
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}\n${err}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+?)[ ;]/.exec(out)?.[1];
      if (url && out.endsWith('\n')) resolve({ child, url, stdout: () => out });
    });
  });
}

async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.pid === undefined) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  process.kill(-started.child.pid, 'SIGTERM');
  await exited;
}

describe('a newcomer follows the README on a fresh clone', () => {
  let clone: FreshClone;
  let hub: Started | undefined;
  beforeAll(() => {
    clone = makeFreshClone('hub-newcomer-');
    buildClone(clone); // `npm install` ends with the prepare script
  }, 240_000);
  afterAll(async () => {
    await stop(hub);
    clone.remove();
  });

  it('quick start, the CLI and the marketer walkthrough work as written', async () => {
    // Quick start: `npm start` serves /healthz and /readyz, creates the sandbox workspace and prints the token once
    hub = await npmStart(clone);
    expect(hub.stdout()).toContain('First start: created the admin API token');
    expect(JSON_LOG_LINE.test(hub.stdout())).toBe(false);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);

    const npx = (args: string, input?: string) => clone.run('sh', ['-c', `npx ${args}`], { input });
    const version = await npx('hub --version');
    expectClean('npx hub --version', version);
    expect(version.stdout.trim()).toBe(
      JSON.parse(fs.readFileSync(path.join(clone.dir, 'package.json'), 'utf8')).version,
    );

    const connectors = await npx('hub connectors list');
    expectClean('npx hub connectors list', connectors);
    for (const id of ['file', 'hubspot', 'mailchimp', 'odoo', 'sendgrid']) expect(connectors.stdout).toContain(id);

    // "creates the connections `sandbox-hubspot`, `sandbox-mailchimp`, `sandbox-sendgrid`, `sandbox-odoo`,
    // `sandbox-google` and `sandbox-meta` (listed as `sandbox` by `npx hub connections list`)"
    const connections = await npx('hub connections list');
    expectClean('npx hub connections list', connections);
    for (const name of ['hubspot', 'mailchimp', 'sendgrid', 'odoo', 'google', 'meta'])
      expect(connections.stdout).toMatch(new RegExp(`sandbox-${name}\\s.*sandbox`));
    // and prints the commands that enable the contact templates against them
    expect(hub.stdout()).toContain(
      'npx hub flows enable hubspot-sendgrid-contacts --connection hubspot=sandbox-hubspot --connection sendgrid=sandbox-sendgrid',
    );

    // For marketers: the README's commands, in order, over a CSV the marketer exported (two rows are malformed)
    const csv = path.join(clone.dir, 'imports', 'contacts.csv');
    fs.mkdirSync(path.dirname(csv));
    fs.writeFileSync(
      csv,
      'Email,Name,Phone,City\n' +
        ' Ivan.Petrov@Example.com ,Иванов Иван,8 (912) 345-67-89,СПб\n' +
        'broken.one@example.com,Too,Many,Columns,Here,Extra\n' +
        'anna@example.org,Anna Schmidt,+49 30 1234567,Berlin\n' +
        'broken.two@example.com,Also,Too,Many,Cols,X\n' +
        'john@example.com,John Smith,,London\n',
    );
    const pendingLetter = async (): Promise<string> => {
      const listed = await clone.run(process.execPath, ['bin/hub.cjs', 'dlq', 'list', '--json']);
      const letters = JSON.parse(listed.stdout) as { id: string; status: string }[];
      const id = letters.find((l) => l.status === 'pending')?.id;
      if (id === undefined) throw new Error(`no pending dead letter to put in for <id>:\n${listed.stdout}`);
      return id;
    };
    const walkthrough = commandsUnder('## For marketers: templates');
    expect(walkthrough.length).toBeGreaterThanOrEqual(5);
    const outputs: Record<string, RunResult> = {};
    for (const written of walkthrough) {
      // "after fixing the data": the marketer mends one of the two malformed rows before replaying
      if (/dlq replay/.test(written))
        fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('Too,Many,Columns,Here,Extra', 'Fixed,,Moscow'));
      const command = written.includes('<id>') ? written.replace(/<id>/g, await pendingLetter()) : written;
      const result = await clone.run('sh', ['-c', command]);
      expectClean(command, result);
      outputs[written] = result;
    }
    const output = (pattern: RegExp) => Object.entries(outputs).find(([command]) => pattern.test(command))?.[1].stdout;
    expect(output(/flows run clean-contact-list/)).toMatch(/read 5\b.*dead-lettered 2/);
    expect(output(/dlq list/)).toMatch(/line 3/);
    expect(output(/dlq replay/)).toMatch(/replayed 1\b/);
    const cleaned = fs.readFileSync(path.join(clone.dir, 'imports', 'clean.ndjson'), 'utf8');
    expect(cleaned).toContain('broken.one@example.com');
    expect(cleaned).not.toContain('broken.two@example.com');

    // "A second run over unchanged data writes nothing."
    const again = await npx('hub flows run clean-contact-list');
    expectClean('second run', again);
    expect(again.stdout).toMatch(/created 0, updated 0, deleted 0/);
  }, 240_000);
});
