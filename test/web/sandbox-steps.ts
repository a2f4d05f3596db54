import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionDefinition } from '../../core/sdk';
import { ROOT, SCREENSHOTS, type BrowserBed } from './browser';

/**
 * The acceptance sequence on the sandbox workspace, as a marketer takes it: enable hubspot-mailchimp-contacts
 * through the wizard (seeing when it runs and a preview of live records), run it and watch its progress, and read
 * what moved on the home page. Also the console's first-load figures (web/README.md) and the README's screenshot.
 */

const TEMPLATE_TITLE = 'Keep HubSpot contacts and a Mailchimp audience in sync';
const FORWARD = 'hubspot-contacts-to-mailchimp';

/**
 * Holds every write of an action until released, so a run stays "running" while the test looks at it (the
 * sandbox answers in milliseconds). The connector object is shared with the runner; the write is put back after.
 */
function holdWrites(b: BrowserBed, connectorId: string, actionName: string): { release(): void; restore(): void } {
  const action = b.bed.hub.registry.get(connectorId).actions.find((a) => a.name === actionName) as
    ActionDefinition<Record<string, unknown>, object> | undefined;
  if (action === undefined) throw new Error(`${connectorId} has no action ${actionName}`);
  const original = action.write;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  action.write = async (args) => {
    await gate;
    return original.call(action, args);
  };
  return { release, restore: () => (action.write = original) };
}

export async function enableSandboxTemplate(b: BrowserBed): Promise<void> {
  const page = await b.signIn('marketer', '/templates');
  const card = page.locator('article[data-template="hubspot-mailchimp-contacts"]');
  await card.getByText(`${FORWARD} runs every 15 minutes`).waitFor(); // when it runs, in plain words
  await card.getByRole('button', { name: `Enable ${TEMPLATE_TITLE}` }).click();
  await card.getByLabel(/^hubspot:/).selectOption('sandbox-hubspot');
  await card.getByLabel(/^mailchimp:/).selectOption('sandbox-mailchimp');
  await card.getByRole('button', { name: 'Next: schedule' }).click();
  await card.getByLabel(/^As the template says: .*runs every 15 minutes/).check();
  await b.screenshot(page, 'template-wizard-sandbox');
  await card.getByRole('button', { name: 'Next: confirm' }).click();
  await card.getByText(/Runs: .*runs every 15 minutes/).waitFor();
  await card.getByRole('button', { name: 'Enable', exact: true }).click();
  await card.getByRole('link', { name: FORWARD }).waitFor();
  // a preview of the first contacts read live from the HubSpot sandbox: named by e-mail, nothing written
  await card.getByRole('button', { name: `Preview the first records of ${FORWARD}` }).click();
  const preview = card.locator(`table[data-preview="${FORWARD}"]`);
  await preview
    .getByRole('row', { name: /@.* would be created/ })
    .first()
    .waitFor();
  await preview
    .getByRole('row', { name: /held: left out by the mapping/ })
    .first()
    .waitFor(); // no consent
  await b.screenshot(page, 'template-enabled-sandbox');
  const before = await b.bed.as('viewer').get(`/flows/${FORWARD}`).expect(200);
  expect(before.body.status.recentRuns).toEqual([]);

  // run it and watch: the run page says it is running, then how it ended, without a reload
  await card.getByRole('link', { name: FORWARD }).click();
  await page.getByRole('heading', { name: FORWARD, level: 1 }).waitFor();
  const held = holdWrites(b, 'mailchimp', 'upsertMembers');
  try {
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/run_/);
    await page
      .getByTestId('run-progress')
      .getByText(/^Running: \d+ records read so far/)
      .waitFor();
    await page.getByRole('heading', { level: 1 }).getByText('Running').waitFor();
    await b.screenshot(page, 'run-in-progress');
    held.release();
    await page
      .getByRole('heading', { level: 1 })
      .getByText(/Succeeded|Some records failed/)
      .waitFor();
  } finally {
    held.release();
    held.restore();
  }
  await page.getByTestId('run-progress').getByText(/took/).waitFor();
  // the contacts it created, by e-mail
  await page.locator('tr[data-outcome="created"]').first().getByRole('rowheader', { name: /@/ }).waitFor();
  await page
    .locator('tr[data-outcome="held"]')
    .first()
    .getByText(/no marketing consent/)
    .waitFor();

  // home: created and held for the flow, the health of its last run
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What moved' }).click();
  const flowCard = page.locator(`article[data-flow="${FORWARD}"]`);
  await flowCard.locator('canvas').first().waitFor();
  const flow = await b.bed.as('viewer').get(`/flows/${FORWARD}`).expect(200);
  const totals = flow.body.status.totals as { created: number; updated: number; held: number };
  expect(totals.created).toBeGreaterThan(0);
  expect(totals.held).toBeGreaterThan(0);
  await expect(flowCard.locator('[data-count="created"] dd').textContent()).resolves.toBe(String(totals.created));
  await expect(flowCard.locator('[data-count="updated"] dd').textContent()).resolves.toBe(String(totals.updated));
  await expect(flowCard.locator('[data-count="held"] dd').textContent()).resolves.toBe(String(totals.held));
  // and why: the commonest reasons of the last run's held records, in words
  await flowCard
    .getByTestId('reasons')
    .locator('[data-reason="held"]')
    .getByText(/no marketing consent/)
    .first()
    .waitFor();
  await b.screenshot(page, 'home-sandbox');
  // the README's screenshot (docs/console-home.png): the home page at 1280 px, only when asked to refresh it
  if (process.env.HUB_DOCS_SCREENSHOTS === '1') {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(ROOT, 'docs', 'console-home.png') });
  }
  await page.close();
}

/**
 * First load of the console on the sandbox workspace, cache empty: navigation start → the home page's first flow
 * card with its counts rendered (the page is interactive then: Preact has mounted and the data arrived). Written to
 * test-results/console-first-load.json with the machine's load; never asserted on (no timing assertions).
 */
export async function measureFirstLoad(b: BrowserBed): Promise<void> {
  const page = await b.context.newPage();
  const cdp = await b.context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.addInitScript(`sessionStorage.setItem('connector-hub.token', ${JSON.stringify(b.bed.tokens.viewer)})`);
  // notes the moment the first flow card's counts are in the document (an init script: the page's CSP allows it)
  await page.addInitScript(`new MutationObserver((_, observer) => {
    if (document.querySelector('article[data-flow] [data-count="created"] dd')) {
      window.__firstDataAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true })`);
  await page.goto(`${b.url}/`);
  await page.locator('article[data-flow] [data-count="created"] dd').first().waitFor();
  const dataAtMs = (await page.evaluate('window.__firstDataAt')) as number;
  const timing = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
    return {
      domInteractiveMs: nav.domInteractive,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      loadMs: nav.loadEventEnd,
      scripts: scripts.map((r) => ({ name: r.name.replace(/^.*\\//, ''), transferBytes: r.transferSize, durationMs: r.duration })),
    };
  })()`)) as Record<string, unknown>;
  const figures = {
    measuredAt: new Date().toISOString(),
    firstDataRenderedMs: Math.round(dataAtMs),
    ...timing,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    cpus: os.cpus().length,
  };
  fs.writeFileSync(path.join(SCREENSHOTS, 'console-first-load.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await cdp.detach();
  await page.close();
}
