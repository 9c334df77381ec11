// Browser tests: the real `pathwise demo` binary on a free port, driven in
// Debian's headless Chromium by playwright-core. Run by `.ci/run` (and
// `scripts/test`) after `cargo build`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './harness.mjs';

let demo, baseUrl;
const signIn = (email, password) => demo.signIn(email, password);

before(async () => {
  demo = await startDemo();
  baseUrl = demo.baseUrl;
});

after(async () => {
  await demo?.stop();
});

async function optionTitles(page) {
  return page.locator('section[data-option] h2').allTextContents();
}

test('the learner sees three options with requirements and helpers', async () => {
  const page = await signIn('learner@demo.pathwise.test');
  await page.waitForURL(`${baseUrl}/me`);
  assert.equal(await page.locator('h1').textContent(), 'Your next three career options');
  const options = page.locator('section[data-option]');
  assert.equal(await options.count(), 3);
  for (let i = 0; i < 3; i++) {
    const option = options.nth(i);
    assert.ok(await option.locator('tr.requirement').count() > 0, 'requirements listed');
    assert.ok(await option.locator('li.helper').count() > 0, 'helpers named');
    assert.match(await option.locator('p').first().textContent(), /% ready/);
  }
  assert.ok(await page.locator('text=Still needed').count() > 0, 'something still needed is shown');
  await page.context().close();
});

test('the manager sees the same three options for that learner', async () => {
  const learner = await signIn('learner@demo.pathwise.test');
  await learner.waitForURL(`${baseUrl}/me`);
  const own = await optionTitles(learner);
  await learner.context().close();

  const manager = await signIn('manager@demo.pathwise.test');
  await manager.waitForURL(`${baseUrl}/team`);
  await manager.getByRole('link', { name: 'Lena Brightwater' }).click();
  await manager.waitForURL(/\/people\/\d+/);
  assert.match(await manager.locator('h1').textContent(), /Lena Brightwater/);
  assert.deepEqual(await optionTitles(manager), own);
  await manager.context().close();
});

test("the learner opening another learner's page gets 404", async () => {
  const manager = await signIn('manager@demo.pathwise.test');
  await manager.waitForURL(`${baseUrl}/team`);
  const ids = await manager.locator('tr[data-person]').evaluateAll(
    (rows) => rows.map((r) => r.getAttribute('data-person')));
  await manager.context().close();

  const learner = await signIn('learner@demo.pathwise.test');
  await learner.waitForURL(`${baseUrl}/me`);
  const ownUrl = await learner.evaluate(() => location.href);
  const other = ids.find((id) => !ownUrl.endsWith(`/${id}`));
  const res = await learner.goto(`${baseUrl}/people/${other}`);
  const myId = (await learner.context().request.get(`${baseUrl}/api/v1/me/next-options`).then((r) => r.json())).person.id;
  assert.notEqual(String(myId), other);
  assert.equal(res.status(), 404);
  assert.equal(await learner.locator('h1').textContent(), 'Page not found');
  await learner.context().close();
});

test('a wrong password shows an error', async () => {
  const page = await signIn('learner@demo.pathwise.test', 'not-my-password');
  const summary = page.locator('.nhsuk-error-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /email address or password is not right/);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await page.context().close();
});
