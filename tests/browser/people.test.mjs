// Browser test for the people directory: L&D finds someone who is not on a
// pathway, opens nothing else, ticks them and enrols them, and the
// directory then shows the pathway they are on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, openNav } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('find a person who is not enrolled, by name, and enrol them from the directory', async () => {
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForLoadState('load');
  await openNav(admin, 'People');
  assert.equal(await admin.locator('h1').textContent(), 'People');
  await admin.getByLabel('Pathway').selectOption({ label: 'Not on a pathway' });
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.waitForURL(/status=not-enrolled/);
  const first = admin.locator('#people-table tbody tr').first();
  const name = (await first.locator('a').first().textContent()).trim();
  const id = await first.getAttribute('data-person');
  const number = (await first.locator('td').nth(2).textContent()).replace('Assignment number', '').trim();
  assert.match(number, /^\d{8}$/, 'the assignment number people know is shown');

  // Find them again by their name alone, as someone would who knew it.
  await admin.goto(`${demo.baseUrl}/people`);
  await admin.getByLabel('Name or assignment number').fill(name.split(' ')[1]);
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.waitForURL(/[?&]q=/);
  const row = admin.locator(`#people-table tr[data-person="${id}"]`);
  assert.match(await row.textContent(), /Not on a pathway/);
  await row.getByLabel(`Enrol ${name}`).check();
  await admin.getByLabel('Enrol the people ticked on').selectOption({ index: 1 });
  const pathway = (await admin.locator('#version_id option:checked').textContent()).trim();
  await admin.getByRole('button', { name: 'Enrol the people ticked' }).click();
  await admin.locator('#notice').waitFor();
  assert.match(await admin.locator('#notice').textContent(), /1 person enrolled/);

  await admin.getByLabel('Name or assignment number').fill(number);
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.waitForURL(new RegExp(`[?&]q=${number}`));
  const after = admin.locator(`#people-table tr[data-person="${id}"]`);
  assert.match(await after.textContent(), new RegExp(pathway.replace(/[()]/g, '\\$&')));
  await after.getByRole('link', { name, exact: true }).click();
  assert.match(await admin.locator('h1').textContent(), /Stage 1/);
  await admin.context().close();
});
