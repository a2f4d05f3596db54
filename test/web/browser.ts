import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../core/api/app';
import { API_BASE } from '../../core/api';
import { webConsole } from '../../core/api/console';
import { homeHandler } from '../../core/runtime/http-app';
import { openApiBed, type ApiBed } from '../core/api/helpers';

/**
 * The browser tests' bed: the console built from the current sources (Vite, into a temp folder), served with the
 * API by an in-process hub on 127.0.0.1 (ephemeral port, temp data dir), and Debian's Chromium driven by
 * playwright-core (no browser download). Chromium missing: the tests are skipped with a message, except in CI
 * (`.ci/run` installs it), where that is a failure.
 */

export const CHROMIUM = process.env.HUB_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing; .ci/run installs it (apt-get install -y chromium)`);
  console.warn(`web console browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return false;
}

export interface BrowserBed {
  bed: ApiBed;
  url: string;
  context: BrowserContext;
  /** A new tab, signed in with the role's token through the sign-in form. */
  signIn(role: 'admin' | 'engineer' | 'marketer' | 'viewer', at?: string): Promise<Page>;
  /** Saves a screenshot under test-results/ and fails on serious or critical accessibility violations (axe-core). */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/** The page's serious and critical WCAG violations, as axe-core finds them (evaluated over CDP, so CSP allows it). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"], runOnly: ["wcag2a", "wcag2aa", "best-practice"] })',
  )) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * Builds the console into a temp folder (the sources as they are now, not a stale web/dist). Each build has its own
 * output folder, so two test files building at once (jest runs two workers) are safe; Vite 8's per-project process
 * lock would refuse the second ("Found another Vite build process for this project"), hence `--bypass-lock`.
 */
function buildConsole(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-web-'));
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'web/vite.config.mts',
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'error',
      '--bypass-lock',
    ],
    // jest sets NODE_ENV=test, which Vite would carry into the bundle: build what users get
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) throw new Error(`vite build failed: ${result.stderr}${result.stdout}`);
  return out;
}

/** `env`: HUB_* variables for the hub (e.g. the repository's own flows/ and mappings/ folders). */
export async function openBrowserBed(options: { env?: Record<string, string> } = {}): Promise<BrowserBed> {
  const consoleDir = buildConsole();
  const bed = await openApiBed(options.env ? { env: options.env } : {});
  const app = createApp({
    logger: bed.hub.logger,
    version: '0.0.0-test',
    readiness: [],
    routes: [
      { path: API_BASE, router: bed.api.router },
      { path: '/', router: webConsole(homeHandler('0.0.0-test'), consoleDir) },
    ],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    bed,
    url,
    context,
    async signIn(role, at = '/') {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${url}${at}`);
      await page.getByLabel('API token').fill(bed.tokens[role]);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByTestId('who')
        .filter({ hasText: `(${role})` })
        .waitFor();
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `web-console-${name}.png`), fullPage: true });
      const violations = await accessibilityViolations(page);
      if (violations.length > 0) throw new Error(`${name}: accessibility violations:\n${violations.join('\n')}`);
    },
    async close() {
      await context.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bed.close();
      fs.rmSync(profile, { recursive: true, force: true });
      fs.rmSync(consoleDir, { recursive: true, force: true });
    },
  };
}
