import path from 'node:path';
import { STRICT_EMAIL, Scenario } from '../core/api/scenario';
import { accessibilityViolations, chromiumAvailable, openBrowserBed, type BrowserBed } from './browser';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against an in-process hub: a
 * marketer sees flows and a run's records, runs a flow; a viewer sees no button they cannot use; replaying a dead
 * letter from the page changes the API's state. Each test saves a screenshot under test-results/.
 */
const run = chromiumAvailable() ? describe : describe.skip;

run('web console in Chromium', () => {
  let b: BrowserBed;
  let scenario: Scenario;
  beforeAll(async () => {
    b = await openBrowserBed();
    scenario = new Scenario(b.bed);
    await scenario.people(); // a flow "people" with one run: Ann delivered, "broken" dead-lettered
  }, 90_000);
  afterAll(async () => {
    await b?.close();
  });

  it('the accessibility check finds serious violations when there are some', async () => {
    const page = await b.context.newPage();
    await page.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
    const violations = await accessibilityViolations(page);
    expect(violations.join('\n')).toMatch(/critical image-alt/);
    await page.close();
  });

  it('the sign-in page says what is wrong with a bad token', async () => {
    const page = await b.context.newPage();
    await page.goto(b.url);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).not.toMatch(/at .*\.js|Error:/); // words, no stack trace
    await b.screenshot(page, 'sign-in');
    await page.close();
  });

  it('a marketer sees what moved, the flows, a run with its records, and runs a flow now', async () => {
    const people = await scenario.people();
    const page = await b.signIn('marketer');
    // home: what moved, per flow
    const card = page.locator('article[data-flow="people"]');
    await card.waitFor();
    await expect(card.locator('[data-count="created"] dd').textContent()).resolves.toBe('1');
    await expect(card.locator('[data-count="failed"] dd').textContent()).resolves.toBe('1');
    await card.locator('.health').getByText('Some records failed').waitFor();
    await card.getByTestId('reasons').locator('[data-reason="failed"]').getByText('/email').waitFor(); // and why
    await card.locator('canvas').first().waitFor(); // the uPlot chart drew
    await b.screenshot(page, 'home-marketer');

    // flows list → the flow → its run
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    const row = page.locator('tr[data-flow="people"]');
    await row.getByText('Enabled').waitFor();
    await row.getByText('runs only when started').waitFor();
    await b.screenshot(page, 'flows-marketer');
    await row.getByRole('link', { name: 'people' }).click();
    await page.getByRole('heading', { name: 'people', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    await page.locator(`a[href="/runs/${people.runId}"]`).waitFor();
    await b.screenshot(page, 'flow-marketer');
    await page.locator(`a[href="/runs/${people.runId}"]`).click();
    const record = page.locator('tr[data-record="2"]');
    await record.getByRole('rowheader', { name: 'broken' }).waitFor(); // named by its e-mail, not its key
    await record.getByText('/email').waitFor(); // the field at fault, with the reason
    await expect(page.locator('[data-count="created"] dd').textContent()).resolves.toBe('1');
    await b.screenshot(page, 'run-marketer');

    // Run now: a new run, shown live until it finishes
    await page.goto(`${b.url}/flows/people`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/run_/);
    const runId = page.url().split('/').pop() ?? '';
    await page
      .getByRole('heading', { level: 1 })
      .getByText(/Succeeded|Some records failed/)
      .waitFor();
    const api = await b.bed.as('viewer').get(`/runs/${runId}`).expect(200);
    expect(api.body).toMatchObject({ flowName: 'people', trigger: 'manual' });
    expect(['succeeded', 'partial']).toContain(api.body.status);

    // Reset and resync: asks first, then the next run reads everything again (audited)
    await page.goto(`${b.url}/flows/people`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset and resync' }).click();
    await page.getByText('Reset: the next run reads everything again.').waitFor();
    const audit = await b.bed.as('admin').get(`/audit?action=flow.reset&entityId=${people.flowId}`).expect(200);
    expect(audit.body.items).toHaveLength(1);
    await page.close();
  });

  it('a viewer sees the same pages without Run now, enable/disable or replay', async () => {
    const page = await b.signIn('viewer', '/flows/people');
    await page.getByRole('heading', { name: 'people', level: 1 }).waitFor();
    await page.getByText('Run history').waitFor();
    expect(await page.getByRole('button', { name: /Run now|Disable|Enable|Reset/ }).count()).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dead letters' }).click();
    await page.locator('tr[data-dead-letter]').first().waitFor();
    expect(await page.getByRole('button', { name: /Replay|Discard/ }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await b.screenshot(page, 'dead-letters-viewer');
    // the templates: the catalogue in words, and no Enable
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await page.locator('article[data-template="one-way"]').getByText('copy runs only when started').waitFor();
    expect(await page.getByRole('button', { name: /Enable/ }).count()).toBe(0);
    await b.screenshot(page, 'templates-viewer');
    // usable on a phone: at 390 px the page does not scroll sideways (wide tables scroll in their own box)
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${b.url}/`);
    await page.locator('article[data-flow="people"]').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await b.screenshot(page, 'home-viewer-390px');
    await page.close();
  });

  it('a marketer replays a dead letter from the page after the mapping is fixed, and the API shows it replayed', async () => {
    const replay = await scenario.flow('replay');
    // an engineer fixes the mapping (a new version that repairs the e-mail)
    await b.bed
      .as('engineer')
      .put('/mappings/replay-email', {
        version: '2',
        ...STRICT_EMAIL,
        expression: '{ "id": id, "email": $contains(email, "@") ? email : email & "@fixed.example", "name": name }',
        fixtures: [STRICT_EMAIL.fixtures[0]],
      })
      .expect(200);
    const page = await b.signIn('marketer', '/dead-letters?flow=replay');
    const row = page.locator(`tr[data-dead-letter="${replay.deadLetterId}"]`);
    await row.getByText('/email').waitFor();
    // a marketer may replay but not discard
    expect(await page.getByRole('button', { name: /Discard/ }).count()).toBe(0);
    await row.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Replayed 1: 1 delivered.').waitFor();
    await page.getByText('No dead letters here.').waitFor();
    await b.screenshot(page, 'dead-letters-replayed');
    const letter = await b.bed.as('viewer').get(`/dead-letters/${replay.deadLetterId}`).expect(200);
    expect(letter.body.status).toBe('replayed');
    await page.close();
  });

  it('a marketer enables a template through the wizard: connections, schedule, confirm', async () => {
    b.bed.file('wizard.csv', 'id,email,name\n1,c@x.io,Cleo\n');
    await b.bed.fileConnection('wizard-in', { path: 'wizard.csv' });
    await b.bed.fileConnection('wizard-out', { output: 'wizard-out.ndjson' });
    const page = await b.signIn('marketer', '/templates');
    const card = page.locator('article[data-template="one-way"]');
    await card.getByText('copy runs only when started').waitFor(); // when it runs, in words
    await card.getByRole('button', { name: 'Enable Copy contacts' }).click();
    await card.getByLabel(/^from:/).selectOption('wizard-in');
    await card.getByLabel(/^to:/).selectOption('wizard-out');
    await b.screenshot(page, 'template-wizard');
    await card.getByRole('button', { name: 'Next: schedule' }).click();
    await card.getByLabel('On my own schedule (cron)').check();
    await card.getByLabel('Cron expression').fill('*/30 * * * *');
    await card.getByRole('button', { name: 'Next: confirm' }).click();
    await card.getByText('Runs: runs every 30 minutes').waitFor();
    await card.getByRole('button', { name: 'Enable', exact: true }).click();
    await card.getByText('runs every 30 minutes').first().waitFor();
    await card.getByRole('link', { name: 'copy' }).waitFor();
    // a preview of the first records, from the live source, writing nothing
    await card.getByRole('button', { name: 'Preview the first records of copy' }).click();
    const preview = card.locator('table[data-preview="copy"]');
    await preview.getByRole('row', { name: /c@x\.io would be created/ }).waitFor();
    await b.screenshot(page, 'template-enabled');
    const flow = await b.bed.as('viewer').get('/flows/copy').expect(200);
    expect(flow.body.status.recentRuns).toEqual([]); // the preview ran nothing
    expect(flow.body).toMatchObject({
      enabled: true,
      template: 'one-way',
      definition: { trigger: { type: 'schedule', cron: '*/30 * * * *' } },
    });
    await page.close();
  });

  it('an engineer adds a connection from its settings form, tests it and removes it; a viewer sees no such buttons', async () => {
    const page = await b.signIn('engineer', '/connections');
    await page.getByRole('button', { name: 'Add a connection' }).click();
    const form = page.getByRole('form', { name: 'Add a connection' });
    await form.getByLabel('Connector').selectOption('file');
    await form.getByLabel('Name').fill('console-files');
    await form.getByLabel('directory (required)').fill(path.join(b.bed.dir, 'files'));
    await form.getByLabel('path', { exact: true }).fill('people.csv');
    await form.getByLabel('header').selectOption('true');
    await b.screenshot(page, 'connection-form');
    await form.getByRole('button', { name: 'Save connection' }).click();
    const row = page.locator('tr[data-connection="console-files"]');
    await row.getByText('Not tested yet').waitFor();
    const created = await b.bed.as('viewer').get('/connections/console-files').expect(200);
    expect(created.body.settings).toMatchObject({ path: 'people.csv', header: true });
    await row.getByRole('button', { name: 'Test console-files' }).click();
    await row.getByText('Working').waitFor();
    await b.screenshot(page, 'connections-engineer');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Remove console-files' }).click();
    await page.getByText('Removed console-files.').waitFor();
    await b.bed.as('viewer').get('/connections/console-files').expect(404);
    await page.close();

    const viewer = await b.signIn('viewer', '/connections');
    await viewer.locator('tr[data-connection]').first().waitFor();
    expect(await viewer.getByRole('button', { name: /Add|Test|Remove/ }).count()).toBe(0);
    await viewer.close();
  });
});
