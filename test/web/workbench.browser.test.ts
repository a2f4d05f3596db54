import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { GoogleSandbox } from '../../connectors/google/sandbox';
import { startSandboxWorkspace, type SandboxWorkspace } from '../../core/sandbox/workspace';
import { Scenario } from '../core/api/scenario';
import { ROOT, chromiumAvailable, openBrowserBed, type BrowserBed } from './browser';
import { enableSandboxTemplate, measureFirstLoad } from './sandbox-steps';

/**
 * The console's record lists and mapping workbench in Chromium, against an in-process hub with the sandbox
 * workspace (local HubSpot and Mailchimp stand-ins) and the repository's templates and mappings: a marketer enables
 * hubspot-mailchimp-contacts through the wizard, previews it, runs it and watches it (sandbox-steps.ts); an engineer
 * pulls the first HubSpot contacts into the workbench's sample; a run of HubSpot → Mailchimp lists the contacts it created and
 * held back (no consent) by e-mail, held counted apart; a broken record dead-letters, an engineer reads the reason,
 * fixes the mapping in the workbench (the output changes as they type), saves, replays, and the record is
 * delivered; a viewer sees no save. Screenshots under test-results/, each page checked with axe-core.
 */
const run = chromiumAvailable() ? describe : describe.skip;

const REAL_MAPPING = path.join(ROOT, 'mappings', 'hubspot-contact-to-mailchimp-member');

/** Replaces the editor's text by typing, the way a person does (select all, type). */
async function typeExpression(page: Page, text: string): Promise<void> {
  const editor = page.getByTestId('jsonata-editor');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

run('records and the mapping workbench in Chromium', () => {
  let b: BrowserBed;
  let workspace: SandboxWorkspace | undefined;
  let scenario: Scenario;
  beforeAll(async () => {
    // the repository's own templates and mappings, as `npm start` serves them
    b = await openBrowserBed({
      env: { HUB_FLOWS_DIR: path.join(ROOT, 'flows'), HUB_MAPPINGS_DIR: path.join(ROOT, 'mappings') },
    });
    // the store is empty: the sandbox workspace starts (sandbox-hubspot, sandbox-mailchimp), as `hub serve` does
    workspace = await startSandboxWorkspace(b.bed.hub, { seedContacts: 20 });
    scenario = new Scenario(b.bed);
  }, 90_000);
  afterAll(async () => {
    await workspace?.close();
    await b?.close();
  });

  it('a marketer enables hubspot-mailchimp-contacts on the sandbox through the wizard, runs it, watches it, and home shows what moved', async () => {
    await enableSandboxTemplate(b);
    await measureFirstLoad(b);
  }, 60_000);

  it('a run from the HubSpot sandbox lists the contacts it created and held back, by e-mail, held apart', async () => {
    const engineer = b.bed.as('engineer');
    const fixture = JSON.parse(
      fs.readFileSync(path.join(REAL_MAPPING, 'fixtures', 'messy-russian-contact.json'), 'utf8'),
    ) as { input: unknown; expected: unknown };
    await engineer
      .post('/mappings', {
        name: 'sandbox-contacts',
        version: '1',
        expression: fs.readFileSync(path.join(REAL_MAPPING, 'expression.jsonata'), 'utf8'),
        fixtures: [{ name: 'messy', input: fixture.input, expected: fixture.expected }],
      })
      .expect(201);
    const flow = await engineer
      .post('/flows', {
        name: 'sandbox-contacts',
        source: { connection: 'sandbox-hubspot', stream: 'contacts' },
        mapping: { id: 'sandbox-contacts' },
        target: { connection: 'sandbox-mailchimp', action: 'upsertMembers' },
        trigger: { type: 'manual' },
        mode: 'upsert',
        identity: { source: ['id'], target: 'email_address' },
      })
      .expect(201);
    await engineer.post(`/flows/${flow.body.id}/enable`).expect(200);
    const started = await engineer.post(`/flows/${flow.body.id}/run`).expect(202);
    const done = await b.bed.waitForRun(started.body.runId);
    const records = await b.bed.as('viewer').get(`/runs/${done.id}/records?limit=200`).expect(200);
    // the template's flow (the test before) delivered these contacts to the audience first: they are updates here
    expect(records.body.totals.created + records.body.totals.updated).toBeGreaterThan(0);
    expect(records.body.totals.held).toBeGreaterThan(0);
    const created = records.body.items.find(
      (r: { outcome: string }) => r.outcome === 'created' || r.outcome === 'updated',
    );
    const held = records.body.items.find((r: { outcome: string }) => r.outcome === 'held');

    const page = await b.signIn('marketer', `/runs/${done.id}`);
    const createdRow = page.locator(`tr[data-outcome="${created.outcome}"][data-record="${created.recordKey}"]`);
    await createdRow.getByRole('rowheader', { name: created.label }).waitFor(); // by e-mail, not the HubSpot id
    expect(created.label).toContain('@');
    const heldRow = page.locator(`tr[data-outcome="held"][data-record="${held.recordKey}"]`);
    await heldRow.getByRole('rowheader', { name: held.label }).waitFor();
    await heldRow.getByText(/no marketing consent/).waitFor();
    await expect(page.locator('[data-count="held"] dd').textContent()).resolves.toBe(String(records.body.totals.held));
    const unchangedShown = Number(await page.locator('[data-count="unchanged"] dd').textContent());
    expect(unchangedShown).toBe(done.counts.unchanged - records.body.totals.held); // held is not in unchanged
    await b.screenshot(page, 'run-records-sandbox');
    // only the held ones
    await page.getByRole('button', { name: /^Held \(/ }).click();
    await page.locator(`tr[data-outcome="${created.outcome}"]`).first().waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-outcome="held"]').count()).toBe(Math.min(records.body.totals.held, 200));

    // spend for the Ads section: a day of a Google campaign (the workspace's Google starts with none; Meta's has
    // insights of its own)
    const google = workspace?.sandboxes.get('google') as GoogleSandbox | undefined;
    if (google === undefined) throw new Error('the sandbox workspace has no Google sandbox');
    google.store.campaignDays.push({
      campaignId: '1001',
      campaignName: 'Brand search',
      date: new Date().toISOString().slice(0, 10),
      costMicros: 40_000_000,
      clicks: 12,
      impressions: 300,
      conversions: 3,
      conversionsValue: 130,
    });
    const adMetrics = await b.bed.as('viewer').get('/ad-metrics?days=30').expect(200);
    const metaChannel = (
      adMetrics.body.channels as { connectionName: string; spend: number; roas: number | null }[]
    ).find((c) => c.connectionName === 'sandbox-meta');
    const metaSpend = metaChannel?.spend;
    expect(metaSpend).toBeGreaterThan(0);
    // Meta's purchases come from its insights' actions: the sandbox reports some, so a ROAS
    expect(metaChannel?.roas).toEqual(expect.any(Number));

    // home: held apart from unchanged for the flow; the ads place says which connector fills it
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What moved' }).click();
    const card = page.locator('article[data-flow="sandbox-contacts"]');
    await expect(card.locator('[data-count="held"] dd').textContent()).resolves.toBe(String(records.body.totals.held));
    await page
      .locator('[data-section="ads"]')
      .getByText(/conversions sent and accepted/)
      .waitFor();
    // spend, conversions, value and ROAS per channel for the last 30 days, and a chart of daily spend
    const money = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const googleRow = page.locator('tr[data-ad-channel="sandbox-google"]');
    await googleRow.locator('[data-metric="roas"]').getByText('3.25', { exact: true }).waitFor(); // 130 / 40
    await expect(googleRow.locator('[data-metric="spend"]').textContent()).resolves.toBe('40.00');
    await expect(googleRow.locator('[data-metric="conversions"]').textContent()).resolves.toBe('3');
    await expect(googleRow.locator('[data-metric="conversionValue"]').textContent()).resolves.toBe('130.00');
    // Customer Match: the list's match rate as the Google sandbox's userLists.get reports it (62 by default)
    await expect(googleRow.locator('[data-metric="matchRate"]').textContent()).resolves.toBe('62%');
    const metaRow = page.locator('tr[data-ad-channel="sandbox-meta"]');
    await expect(metaRow.locator('[data-metric="spend"]').textContent()).resolves.toBe(
      `EUR ${money.format(metaSpend ?? 0)}`,
    );
    // Meta's ROAS as the API computed it (purchase value / spend), shown with two decimals
    await expect(metaRow.locator('[data-metric="roas"]').textContent()).resolves.toBe(
      money.format(metaChannel?.roas ?? NaN),
    );
    // Meta reports no match rate: said so, with the reason on hover
    const metaMatch = metaRow.locator('[data-metric="matchRate"] [title]');
    await expect(metaMatch.getAttribute('title')).resolves.toMatch(/^Meta's API reports no match rate/);
    await expect(metaMatch.textContent()).resolves.toMatch(/^not reported/);
    await page.getByRole('img', { name: 'Daily spend per ad channel, last 30 days' }).locator('canvas').waitFor();
    await b.screenshot(page, 'home-held-and-ads');

    // the sandbox connections are marked as such
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.locator('tr[data-connection="sandbox-hubspot"]').getByText('Sandbox').waitFor();
    await b.screenshot(page, 'connections-sandbox');
    await page.close();
  });

  it('an engineer pulls the first contacts of the sandbox HubSpot into the workbench and sees the output live', async () => {
    const page = await b.signIn('engineer', '/mappings/hubspot-contact-to-mailchimp-member');
    await page.getByRole('heading', { name: 'Mapping hubspot-contact-to-mailchimp-member', level: 1 }).waitFor();
    const pull = page.getByRole('group', { name: 'Pull from a connection' });
    await pull.getByLabel('Connection').selectOption('sandbox-hubspot');
    await pull.getByLabel('Stream').selectOption('contacts');
    await pull.getByLabel('Records').fill('3');
    await pull.getByRole('button', { name: 'Pull records' }).click();
    await pull.getByText('Pulled 3 record(s) from contacts of sandbox-hubspot.').waitFor();
    const sample = JSON.parse(await page.getByLabel('Sample records').inputValue()) as { id: string }[];
    const api = await b.bed
      .as('engineer')
      .get('/connections/sandbox-hubspot/streams/contacts/sample?limit=3')
      .expect(200);
    expect(sample.map((r) => r.id)).toEqual(api.body.records.map((r: { id: string }) => r.id)); // live, as read
    // the output of the mapping for each pulled contact, live: three results
    await page.getByTestId('output').locator(':scope > li').nth(2).waitFor();
    // a change to the expression changes the output as you type
    await typeExpression(page, '{ "email_address": "pulled-" & id & "@example.com", "status_if_new": "subscribed" }');
    await page.getByTestId('output').getByText(`"pulled-${sample[0].id}@example.com"`).waitFor();
    await b.screenshot(page, 'workbench-pulled-from-hubspot');
    await page.close();
  }, 60_000);

  it('an engineer fixes a dead-lettered record in the workbench as they type, saves, replays, and it is delivered', async () => {
    const bench = await scenario.flow('bench'); // "broken" (no @ in its e-mail) is dead-lettered
    const page = await b.signIn('engineer', '/dead-letters?flow=bench');
    const row = page.locator(`tr[data-dead-letter="${bench.deadLetterId}"]`);
    await row.getByText('/email').waitFor(); // the reason names the field
    await row.getByRole('link', { name: 'Fix the mapping' }).click();
    await page.getByRole('heading', { name: 'Mapping bench-email', level: 1 }).waitFor();
    // the dead letter's record is the sample; the current version refuses it, naming the field
    await page
      .getByTestId('output')
      .getByText(/Record 1 fails: .*\(field \/email\)/)
      .waitFor();
    await page.locator('[data-fixture="ok"]').getByText('passes').waitFor();
    await b.screenshot(page, 'workbench-dead-letter');
    // the sample can also be pulled from every record waiting in the dead letters of the mapping's flows
    await page.getByRole('button', { name: 'Use the records waiting in dead letters' }).click();
    await page.getByText('Loaded 1 record(s).').waitFor();
    await expect(page.getByLabel('Sample records').inputValue()).resolves.toContain('"broken"');

    // a typo: the error is shown at its line and column
    await typeExpression(page, '{ "id": id, "email": email & }');
    await page
      .getByTestId('syntax-error')
      .getByText(/^Line 1, column \d+/)
      .waitFor();
    // the fix, typed: the output follows
    await typeExpression(
      page,
      '{ "id": id, "email": $contains(email, "@") ? email : email & "@fixed.example", "name": name }',
    );
    await page.getByTestId('output').getByText('"broken@fixed.example"').waitFor();
    await page.getByTestId('syntax-error').waitFor({ state: 'detached' });
    // the fixture that expected the old refusal now fails; the engineer removes it, then saves
    await page.locator('[data-fixture="no-email"]').getByText('fails').waitFor();
    await page.getByRole('button', { name: 'Remove fixture no-email' }).click();
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Saved version 2').waitFor();
    await page.getByRole('button', { name: 'Replay the dead letter' }).click();
    await page.getByText('Replayed 1: 1 delivered.').waitFor();
    await b.screenshot(page, 'workbench-fixed');

    const letter = await b.bed.as('viewer').get(`/dead-letters/${bench.deadLetterId}`).expect(200);
    expect(letter.body.status).toBe('replayed');
    const mapping = await b.bed.as('viewer').get('/mappings/bench-email').expect(200);
    expect(mapping.body).toMatchObject({ version: '2', fixtures: [expect.objectContaining({ name: 'ok' })] });
    // the replay's run lists the record it created, named by its e-mail as read
    const runs = await b.bed.as('viewer').get(`/runs?flowId=bench`).expect(200);
    const replay = runs.body.items.find((r: { trigger: string }) => r.trigger === 'replay');
    await page.goto(`${b.url}/runs/${replay.id}`);
    await page
      .locator('tr[data-outcome="created"][data-record="2"]')
      .getByRole('rowheader', { name: 'broken' })
      .waitFor();
    await page.close();
  }, 60_000);

  it('a viewer reads a mapping in the workbench without save; a marketer has no workbench in the menu', async () => {
    await scenario.people();
    const viewer = await b.signIn('viewer', '/mappings');
    const listed = viewer.locator('tr[data-mapping="people-email"]');
    await listed.waitFor();
    await b.screenshot(viewer, 'mappings-viewer');
    await listed.getByRole('link', { name: 'people-email' }).click();
    await viewer.getByRole('heading', { name: 'Mapping people-email', level: 1 }).waitFor();
    await viewer.getByText('Your role may read this mapping, not try it.').waitFor();
    expect(await viewer.getByRole('button', { name: /Save|Add the first sample|Remove|Replay/ }).count()).toBe(0);
    expect(await viewer.getByTestId('jsonata-editor').getAttribute('contenteditable')).toBe('false');
    await b.screenshot(viewer, 'workbench-viewer');
    await viewer.close();

    const marketer = await b.signIn('marketer');
    await marketer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).waitFor();
    expect(
      await marketer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mappings' }).count(),
    ).toBe(0);
    await marketer.close();
  });
});
