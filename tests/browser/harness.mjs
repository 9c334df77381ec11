// Shared set-up for the browser tests: the real `pathwise demo` binary on a
// free port with its own data folder, and Debian's headless Chromium driven
// by playwright-core. Never downloads a browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.PATHWISE_BIN ?? join(root, 'target', 'debug', 'pathwise');
export const PASSWORD = 'pathwise-demo';

/** Starts the demo (extra CLI arguments allowed) and a browser. */
export async function startDemo(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pathwise-browser-'));
  const env = { ...process.env };
  delete env.PATHWISE_DATABASE_URL; // the demo runs on its own SQLite file
  const server = spawn(bin, ['demo', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 120_000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/running at (http:\/\/\S+?)\/?\s/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}: ${out}`));
    });
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    baseUrl,
    dataDir,
    /** A fresh browser context (its own cookies). */
    newContext() {
      return browser.newContext();
    },
    /** Signs in a fresh browser context and returns its page. */
    async signIn(email, password = PASSWORD) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      return page;
    },
    async stop() {
      await browser.close();
      server.kill('SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Follows a link in the header's navigation, opening its "More" menu when
 * the link has moved there (the header keeps what fits the width). */
export async function openNav(page, name) {
  const nav = page.locator('.nhsuk-header__navigation');
  const visible = nav.getByRole('link', { name }).filter({ visible: true });
  if ((await visible.count()) === 0) await page.locator('#toggle-menu').click();
  const link = nav.getByRole('link', { name }).filter({ visible: true }).first();
  // Wait for the new page itself: the old one is still loaded while it comes
  // (and the link may redirect, so its address is not the one to wait for).
  await Promise.all([page.waitForEvent('load'), link.click()]);
}
