import { STRICT_EMAIL, Scenario } from '../core/api/scenario';
import { chromiumAvailable, openBrowserBed, type BrowserBed } from './browser';

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

  it('a marketer sees what moved, the flows, a run with its records, and runs a flow now', async () => {
    const people = await scenario.people();
    const page = await b.signIn('marketer');
    page.on('console', (m) => console.log('CONSOLE', m.text()));
    page.on('response', (r) => console.log('RESP', r.status(), r.url()));
    page.on('pageerror', (e) => console.log('PAGEERR', e.message));
    // home: what moved, per flow
    const card = page.locator('article[data-flow="people"]');
    await card.waitFor();
    await expect(card.locator('[data-count="created"] dd').textContent()).resolves.toBe('1');
    await expect(card.locator('[data-count="failed"] dd').textContent()).resolves.toBe('1');
    await card.locator('.health').getByText('Some records failed').waitFor();
    await card.locator('canvas').first().waitFor(); // the uPlot chart drew
    await b.screenshot(page, 'home-marketer');

    // flows list → the flow → its run
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    const row = page.locator('tr[data-flow="people"]');
    await row.getByText('Enabled').waitFor();
    await row.getByText('runs only when started').waitFor();
    await row.getByRole('link', { name: 'people' }).click();
    await page.getByRole('heading', { name: 'people', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    await b.screenshot(page, "debug-flow");
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
    await page.getByRole('heading', { level: 1 }).getByText(/Succeeded|Some records failed/).waitFor();
    const api = await b.bed.as('viewer').get(`/runs/${runId}`).expect(200);
    expect(api.body).toMatchObject({ flowName: 'people', trigger: 'manual' });
    expect(['succeeded', 'partial']).toContain(api.body.status);
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
});
