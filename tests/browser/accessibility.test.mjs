// Accessibility in headless Chromium: axe-core (npm, injected into each page)
// on the pages of every role at phone (390 px) and desktop (1280 px) width,
// with no serious or critical violation allowed, and no page scrolling
// sideways on a phone as narrow as 320 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startDemo } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
let demo;

before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const PAGES = {
  'learner@demo.pathwise.test': ['/me', '/pathway', '/rota', '/learning', '/notifications', '/notifications/settings', '/catalogue', '/account/tokens'],
  'manager@demo.pathwise.test': ['/team', '/team/progress', '/team/rota', '/team/release', '/inbox', '/people', '/no-such-page'],
  'admin@demo.pathwise.test': ['/admin/pathways', '/admin/rosters', '/admin/audit', '/admin/audit?from=31+June', '/admin/sign-in', '/admin/enrolments', '/admin/completeness', '/learning/offers', '/people?status=not-enrolled', '/levy', '/levy?cohort_size=10&cohort_standard=ST0827&cohort_start=March+2027', '/training-places', '/outreach', '/outcomes'],
};

// Pages that answer with an error on purpose: the missing page and a
// filter with a date that does not exist.
const EXPECTED_STATUS = { '/no-such-page': 404, '/admin/audit?from=31+June': 422 };

async function check(page, path, width, axe = true) {
  await page.setViewportSize({ width, height: 900 });
  const res = await page.goto(`${demo.baseUrl}${path}`);
  assert.equal(res.status(), EXPECTED_STATUS[path] ?? 200, `${path} answered ${res.status()}`);
  if (!axe) {
    return { found: [], sideways: await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) };
  }
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  return { found, sideways };
}

for (const [email, paths] of Object.entries(PAGES)) {
  test(`every page of ${email.split('@')[0]} passes axe at 390 and 1280 px and fits a 320 px phone`, async () => {
    const page = await demo.signIn(email);
    await page.waitForLoadState('load');
    const problems = [];
    for (const path of paths) {
      for (const width of [1280, 390, 320]) {
        const { found, sideways } = await check(page, path, width, width !== 320);
        for (const f of found) problems.push(`${path} at ${width}px: ${f}`);
        if (width < 1000 && sideways > 0) problems.push(`${path} at ${width}px scrolls sideways by ${sideways}px`);
      }
    }
    await page.context().close();
    assert.deepEqual(problems, []);
  });
}

test('a person, their pathway, a piece of evidence and a session pass axe too', async () => {
  const page = await demo.signIn('manager@demo.pathwise.test');
  await page.waitForLoadState('load');
  await page.goto(`${demo.baseUrl}/inbox`);
  const evidence = await page.locator('#inbox-table a[href^="/evidence/"]').first().getAttribute('href');
  const pathway = await page.locator('#inbox-table a[href$="/pathway"]').first().getAttribute('href');
  await page.goto(`${demo.baseUrl}/learning`);
  const session = await page.locator('a[href^="/learning/sessions/"]').first().getAttribute('href');
  const paths = [evidence, pathway, pathway.replace('/pathway', ''), session];
  const problems = [];
  for (const path of paths) {
    for (const width of [1280, 390]) {
      const { found, sideways } = await check(page, path, width);
      for (const f of found) problems.push(`${path} at ${width}px: ${f}`);
      if (width === 390 && sideways > 0) problems.push(`${path} at 390px scrolls sideways by ${sideways}px`);
    }
  }
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('a form with problems moves focus to the error summary, which links to each field', async () => {
  const context = await demo.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.baseUrl}/sign-in`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForSelector('.nhsuk-error-summary');
  await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
  const links = await page.locator('.nhsuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#email', '#password']);
  await context.close();
});
