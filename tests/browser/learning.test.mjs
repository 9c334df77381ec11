// Browser test for shift-aware learning: L&D import a roster that puts the
// demo learner on a night, add an offer with two sittings the day after; the
// learner sees the evening one fits and the morning one does not (with the
// reason, and no way to book it), books the evening one, and the manager
// booking a team member onto it next finds it full and puts them on the
// waitlist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, openNav } from './harness.mjs';

let demo, baseUrl;

before(async () => {
  demo = await startDemo();
  baseUrl = demo.baseUrl;
});

after(async () => {
  await demo?.stop();
});

/** The Monday three weeks ahead and the Tuesday after it, as YYYY-MM-DD. */
function weekAhead() {
  const now = new Date();
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const back = (day.getUTCDay() + 6) % 7;
  const monday = new Date(day.getTime() + (21 - back) * 86_400_000);
  const tuesday = new Date(monday.getTime() + 86_400_000);
  const iso = (d) => d.toISOString().slice(0, 10);
  return { monday: iso(monday), tuesday: iso(tuesday) };
}

test('a learner on nights books the session that fits, sees why the other does not, and the next person is waitlisted', async () => {
  const { monday, tuesday } = weekAhead();

  // The manager's team rota names each report's staff record.
  const manager = await demo.signIn('manager@demo.pathwise.test');
  await manager.waitForURL(`${baseUrl}/team`);
  await manager.goto(`${baseUrl}/team/rota`);
  const rows = manager.locator('tr[data-person]');
  const learnerId = await manager.locator('tr[data-person]', { hasText: 'Lena Brightwater' }).getAttribute('data-person');
  let colleagueId, colleagueName;
  for (let i = 0; i < await rows.count(); i++) {
    const id = await rows.nth(i).getAttribute('data-person');
    if (id !== learnerId) {
      colleagueId = id;
      colleagueName = (await rows.nth(i).locator('td, th').first().textContent()).trim();
      break;
    }
  }
  assert.ok(learnerId && colleagueId, 'the team rota lists the learner and a colleague');

  // L&D: the roster, then the offer and its two sittings.
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await admin.goto(`${baseUrl}/admin/rosters`);
  const csv = [
    'person_id,date,start,end,shift_type,site',
    `${learnerId},${monday},19:00,07:30,night,NGH`,
    `${colleagueId},${tuesday},18:00,21:00,study,NGH`,
  ].join('\n');
  await admin.setInputFiles('#file', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: 'Import roster' }).click();
  await admin.locator('#roster-done').waitFor();
  assert.match(await admin.locator('#roster-done').textContent(), /Imported 2 shifts for 2 people/);

  await admin.goto(`${baseUrl}/learning/offers`);
  await admin.getByLabel('Title').fill('Night team skills session');
  await admin.getByLabel('What it supports').fill('Stage 2: communication');
  await admin.getByRole('button', { name: 'Add the offer' }).click();
  await admin.locator('#learning-done').waitFor();
  await admin.getByLabel('First date').fill(tuesday);
  await admin.getByLabel('Last date').fill(tuesday);
  await admin.getByLabel('Tuesday').check();
  await admin.getByLabel('Start times').fill('10:00, 19:00');
  await admin.getByLabel('Length in minutes').fill('60');
  await admin.getByLabel('Where').selectOption('online');
  await admin.getByLabel('Places at each session').fill('1');
  await admin.getByRole('button', { name: 'Add the sessions' }).click();
  await admin.locator('#learning-done').waitFor();
  assert.match(await admin.locator('#learning-done').textContent(), /Added 2 sessions/);
  await admin.context().close();

  // The learner: the evening sitting fits, the morning one does not.
  const learner = await demo.signIn('learner@demo.pathwise.test');
  await learner.waitForURL(`${baseUrl}/me`);
  await openNav(learner, 'Learning');
  await learner.getByLabel('Search by title').fill('Night team');
  await learner.getByRole('button', { name: 'Search' }).click();
  await learner.waitForURL(/[?&]q=Night/);
  const cards = learner.locator('#sessions > li');
  assert.equal(await cards.count(), 2);
  const first = cards.nth(0);
  const second = cards.nth(1);
  assert.match(await first.textContent(), /19:00 to 20:00/);
  assert.match(await first.textContent(), /Fits your rota/);
  assert.match(await second.textContent(), /10:00 to 11:00/);
  assert.match(await second.textContent(), /It is within 11 hours of the end of your night shift 19:00-07:30/);
  assert.equal(await second.getByRole('button').count(), 0, 'a session that does not fit cannot be booked');
  await first.getByRole('button', { name: /Book a place/ }).click();
  await learner.locator('#learning-done').waitFor();
  assert.match(await learner.locator('#learning-done').textContent(), /Booked a place for you on Night team skills session/);
  assert.match(await learner.locator('#my-bookings').textContent(), /Night team skills session/);
  const sessionHref = await learner.locator('#my-bookings a', { hasText: 'Night team skills session' }).getAttribute('href');
  await learner.context().close();

  // The manager books the colleague: the only place is taken, so the waitlist.
  await manager.goto(`${baseUrl}${sessionHref}`);
  assert.match(await manager.locator('#places').textContent(), /Full/);
  await manager.locator('#book-for').getByLabel('Team member').selectOption(colleagueId);
  await manager.locator('#book-for').getByRole('button', { name: 'Book for them' }).click();
  await manager.locator('#learning-done').waitFor();
  assert.match(await manager.locator('#learning-done').textContent(), new RegExp(`${colleagueName} is 1st on the waitlist`));
  assert.match(await manager.locator(`#team-fit tr[data-person="${colleagueId}"]`).textContent(), /On the waitlist, 1st/);
  await manager.context().close();
});
