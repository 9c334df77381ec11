// Single sign-on in the browser against a real OpenID provider (npm
// oidc-provider on loopback, tests/peers/oidc_provider.mjs): signing in
// through it, an unknown email refused, a token for another audience or an
// expired one refused, a rotated signing key still accepted, the system
// admin's settings page checking the provider before saving it, and a
// leaver refused through the provider and by password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, PASSWORD } from './harness.mjs';
import { startProvider, freePort } from '../peers/oidc_provider.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.PATHWISE_BIN ?? join(root, 'target', 'debug', 'pathwise');
const SECRET = 'a-client-secret-only-for-the-tests';
let demo, provider, secretDir;

before(async () => {
  secretDir = mkdtempSync(join(tmpdir(), 'pathwise-oidc-'));
  const secretFile = join(secretDir, 'client-secret');
  writeFileSync(secretFile, `${SECRET}\n`);
  const providerPort = await freePort();
  demo = await startDemo([
    '--oidc-issuer', `http://127.0.0.1:${providerPort}`,
    '--oidc-client-id', 'pathwise',
    '--oidc-client-secret-file', secretFile,
  ]);
  provider = await startProvider({
    port: providerPort,
    clientId: 'pathwise',
    clientSecret: SECRET,
    redirectUri: `${demo.baseUrl}/sign-in/callback`,
  });
});

after(async () => {
  await demo?.stop();
  await provider?.stop();
  rmSync(secretDir, { recursive: true, force: true });
});

/** Signs in through the provider as `login`; returns the page where it ends. */
async function throughProvider(login) {
  const context = await demo.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.baseUrl}/sign-in`);
  await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL(`${demo.baseUrl}/**`);
  await page.waitForLoadState('load');
  return page;
}

test('a learner signs in through the organisation provider', async () => {
  const page = await throughProvider('learner@demo.pathwise.test');
  assert.equal(new URL(page.url()).pathname, '/me');
  assert.equal(await page.locator('h1').textContent(), 'Your next three career options');
  assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
  await page.context().close();
});

test('an email with no account in the organisation is refused, with what to do', async () => {
  const page = await throughProvider('newcomer@demo.pathwise.test');
  assert.equal(await page.locator('h1').textContent(), 'There is no Pathwise account for you yet');
  assert.match(await page.locator('#refused-reason').textContent(), /Ask your learning and development \(L&D\) team to add you/);
  await page.goto(`${demo.baseUrl}/me`);
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'not signed in');
  await page.context().close();
});

test('a token for another audience, or an expired one, is refused', async () => {
  for (const mode of ['audience', 'expired']) {
    provider.tamper(mode);
    const page = await throughProvider('learner@demo.pathwise.test');
    assert.equal(await page.locator('h1').textContent(), 'You are not signed in', mode);
    assert.match(await page.locator('#refused-reason').textContent(), /could not accept/);
    await page.goto(`${demo.baseUrl}/me`);
    assert.equal(new URL(page.url()).pathname, '/sign-in', `${mode}: not signed in`);
    await page.context().close();
  }
  provider.tamper(null);
});

test('a sign-in signed with a rotated key is still accepted', async () => {
  await provider.rotate();
  const page = await throughProvider('manager@demo.pathwise.test');
  assert.equal(new URL(page.url()).pathname, '/team');
  await page.context().close();
});

test('a system admin checks and saves the provider on the sign-in settings page', async () => {
  const page = await demo.signIn('admin@demo.pathwise.test');
  await page.goto(`${demo.baseUrl}/admin/sign-in`);
  assert.match(await page.locator('#provider-status').textContent(), /Staff sign in through http:\/\/127\.0\.0\.1/);
  assert.equal(await page.locator('#callback-url').textContent(), `${demo.baseUrl}/sign-in/callback`);
  await page.getByLabel('Email claim').fill('email');
  await page.getByRole('button', { name: 'Check and save' }).click();
  await page.waitForURL(/done=Saved/);
  assert.match(await page.locator('[role=status]').textContent(), /Staff can now sign in with their organisation account/);
  await page.context().close();
  const again = await throughProvider('manager@demo.pathwise.test');
  assert.equal(new URL(again.url()).pathname, '/team', 'still signs in after the save');
  await again.context().close();
});

test('a leaver cannot sign in, through the provider or by password', async () => {
  execFileSync(bin, [
    'admin', 'leaver',
    '--database', `sqlite://${join(demo.dataDir, 'demo.sqlite')}`,
    '--email', 'learner@demo.pathwise.test',
  ], { stdio: 'pipe' });
  const page = await throughProvider('learner@demo.pathwise.test');
  assert.equal(await page.locator('h1').textContent(), 'Your Pathwise account is closed');
  await page.context().close();
  const byPassword = await demo.signIn('learner@demo.pathwise.test', PASSWORD);
  await byPassword.waitForLoadState('load');
  assert.equal(await byPassword.locator('h1').textContent(), 'Your Pathwise account is closed');
  await byPassword.context().close();
});
