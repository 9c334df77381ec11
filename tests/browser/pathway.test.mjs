// Browser tests for pathways: a learner submits evidence, the assessor
// accepts it, the stage advances and the audit trail shows both steps; a
// wrong-type or oversize upload gets a clear message and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, openNav } from './harness.mjs';

let demo, baseUrl;

before(async () => {
  demo = await startDemo(['--max-upload-mb', '1']);
  baseUrl = demo.baseUrl;
});

after(async () => {
  await demo?.stop();
});

async function evidenceRows(page) {
  return page.locator('#evidence-table tr[data-evidence]').count();
}

function storedFiles() {
  const dir = join(demo.dataDir, 'uploads');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)))
    .filter((f) => !f.startsWith('.')).length;
}

test('a learner submits evidence, the assessor accepts it, the stage advances and the audit trail shows both', async () => {
  const learner = await demo.signIn('learner@demo.pathwise.test');
  await learner.waitForURL(`${baseUrl}/me`);
  await openNav(learner, 'My pathway');
  assert.equal(await learner.locator('h1').textContent(), 'Stage 2: Role consolidation');
  await learner.getByRole('link', { name: 'Add evidence' }).click();
  await learner.getByLabel('Written reflection').check();
  await learner.getByLabel('Stage 2: Communication with colleagues, patients and carers').check();
  await learner.getByLabel('Title').fill('Handover I led on ward 7');
  await learner.getByLabel('Shift or activity it came from (optional)').fill('Late shift, 12 November');
  await learner.getByLabel('Your reflection, or what the file shows').fill('I led the evening handover using SBAR and checked the night team understood.');
  await learner.getByRole('button', { name: 'Send to assessor' }).click();
  await learner.locator('#notice').waitFor();
  assert.match(await learner.locator('#evidence-table').textContent(), /Handover I led on ward 7/);
  await learner.context().close();

  const manager = await demo.signIn('manager@demo.pathwise.test');
  await manager.waitForURL(`${baseUrl}/team`);
  const count = Number(await manager.locator('#inbox-count').textContent());
  assert.ok(count >= 1, 'the header counts waiting evidence');
  await openNav(manager, /Evidence to review/);
  assert.match(await manager.locator('h1').textContent(), /Evidence to review/);
  await openNav(manager, 'Team progress');
  await manager.locator('#progress-table').getByRole('link', { name: 'Lena Brightwater' }).click();
  await manager.locator('#evidence-table').getByRole('link', { name: 'Handover I led on ward 7' }).click();
  await manager.getByLabel('Accept and sign off').check();
  await manager.getByRole('button', { name: 'Record decision' }).click();
  await manager.locator('#decision-recorded').waitFor();
  assert.equal(await manager.locator('#evidence-status').textContent(), 'Accepted');
  assert.equal(Number(await manager.locator('#inbox-count').textContent()), count - 1);
  await manager.context().close();

  const again = await demo.signIn('learner@demo.pathwise.test');
  await again.goto(`${baseUrl}/pathway`);
  assert.equal(await again.locator('h1').textContent(), 'Stage 3: Higher responsibility');
  assert.equal(await again.locator('#stage-2').getAttribute('data-state'), 'Complete');
  await again.context().close();

  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.goto(`${baseUrl}/admin/audit`);
  const trail = await admin.locator('#audit-events').textContent();
  assert.match(trail, /Lena Brightwater added evidence from Lena Brightwater: Handover I led on ward 7/);
  assert.match(trail, /accepted evidence from Lena Brightwater: Handover I led on ward 7/);
  assert.match(trail, /signed off criteria for Lena Brightwater[\s\S]*signed off on the evidence 'Handover I led on ward 7'/);
  assert.doesNotMatch(trail, /evidence\.accepted|person:\d/, 'no codes or ids');
  // Who did what: follow the learner's link, then narrow to one action by its name.
  await admin.locator('#audit-events').getByRole('link', { name: 'Everything about Lena Brightwater' }).first().click();
  assert.match(await admin.locator('#audit-person').textContent(), /Showing events about Lena Brightwater/);
  await admin.locator('summary', { hasText: 'Filter the trail' }).click();
  await admin.getByLabel('What happened').selectOption({ label: 'Evidence accepted' });
  await admin.getByRole('button', { name: 'Filter' }).click();
  await admin.waitForURL(/action=evidence\.accepted/);
  await admin.locator('#audit-events .audit-what').first().waitFor();
  const accepted = await admin.locator('#audit-events .audit-what').allTextContents();
  assert.ok(accepted.length >= 1);
  assert.ok(accepted.every((t) => /accepted evidence from Lena Brightwater/.test(t)), accepted.join(' | '));
  await admin.context().close();
});

test('a wrong-type or oversize upload gets a clear message and stores nothing', async () => {
  const learner = await demo.signIn('learner@demo.pathwise.test');
  await learner.waitForURL(`${baseUrl}/me`);
  await learner.goto(`${baseUrl}/pathway`);
  const before = await evidenceRows(learner);
  const filesBefore = storedFiles();
  const attempts = [
    { name: 'certificate.pdf', buffer: Buffer.from('MZ this is a program, not a PDF'), message: /must be a PDF, a PNG or JPEG image, or a Word document; 'certificate.pdf' is not/ },
    { name: 'scan.pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1536 * 1024, 0x20)]), message: /must be smaller than 1 MB \(this one is 1\.5 MB\)/ },
  ];
  for (const a of attempts) {
    await learner.goto(`${baseUrl}/pathway`);
    await learner.getByRole('link', { name: 'Add evidence' }).click();
    await learner.getByLabel('File', { exact: true }).check();
    await learner.getByLabel('Stage 4: Applied for or started the apprenticeship, qualification or role').check();
    await learner.getByLabel('Title').fill('Certificate');
    await learner.setInputFiles('#file', { name: a.name, mimeType: 'application/pdf', buffer: a.buffer });
    await learner.getByRole('button', { name: 'Send to assessor' }).click();
    const summary = learner.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), a.message);
    assert.match(await learner.locator('#file-error').textContent(), a.message);
  }
  await learner.goto(`${baseUrl}/pathway`);
  assert.equal(await evidenceRows(learner), before, 'no evidence recorded');
  assert.equal(storedFiles(), filesBefore, 'no file stored');
  await learner.context().close();
});

test('the inbox is a work queue: whose evidence and why, own team first then oldest, and "next item" after each decision', async () => {
  const manager = await demo.signIn('manager@demo.pathwise.test');
  await manager.waitForURL(`${baseUrl}/team`);
  await manager.goto(`${baseUrl}/inbox`);
  assert.match(await manager.locator('#inbox-scope').textContent(),
    /people you line-manage comes first\. After it comes evidence from everyone else at .+, because you are an assessor there/);
  const rows = await manager.locator('#inbox-table tr[data-evidence]').evaluateAll((trs) =>
    trs.map((tr) => ({ team: tr.dataset.team === 'true', added: tr.dataset.added })));
  assert.ok(rows.length >= 3, 'the demo has work waiting');
  const firstOther = rows.findIndex((r) => !r.team);
  assert.ok(rows.slice(firstOther).every((r) => !r.team), 'team rows all come first');
  for (const part of [rows.slice(0, firstOther), rows.slice(firstOther)]) {
    const dates = part.map((r) => r.added);
    assert.deepEqual(dates, [...dates].sort(), 'each part is oldest first');
  }
  const waiting = Number(await manager.locator('#inbox-count').textContent());
  await manager.locator('#inbox-table tr[data-evidence] a[href^="/evidence/"]').first().click();
  const decided = [];
  for (let i = 0; i < 3; i++) {
    await manager.waitForURL(/\/evidence\/\d+$/);
    decided.push(new URL(manager.url()).pathname.split('/').pop());
    if (i === 1) {
      await manager.getByLabel('Return with feedback').check();
      await manager.getByLabel('Feedback to the learner').fill('Please say which shift this was.');
    } else {
      await manager.getByLabel('Accept and sign off').check();
    }
    await manager.getByRole('button', { name: 'Record decision' }).click();
    const panel = manager.locator('#decision-recorded');
    await panel.waitFor();
    assert.match(await panel.textContent(), i === 1 ? /Returned with feedback on \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d/ : /Accepted on \d{1,2} [A-Z][a-z]+ \d{4}/);
    assert.equal(Number(await manager.locator('#inbox-count').textContent()), waiting - i - 1);
    await manager.locator('#next-item').click();
  }
  assert.equal(new Set(decided).size, 3, 'three different items were worked');
  await manager.goto(`${baseUrl}/inbox`);
  const left = await manager.locator('#inbox-table tr[data-evidence]').evaluateAll((trs) => trs.map((tr) => tr.dataset.evidence));
  for (const id of decided) assert.ok(!left.includes(id), `evidence ${id} has left the inbox`);
  await manager.context().close();
});

test('L&D moves a cohort to a new version after seeing what the move does to each learner', async () => {
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForLoadState('load');
  await admin.goto(`${baseUrl}/admin/pathways/support-worker`);
  await admin.getByLabel('Stage', { exact: true }).selectOption({ index: 0 });
  await admin.getByLabel('Key').fill('hand-hygiene-audit');
  await admin.getByLabel('What the learner must show').fill('Hand hygiene audit passed');
  await admin.getByLabel('Due week after enrolment (optional)').fill('1');
  await admin.locator('#change_note').fill('Infection control audit added');
  await admin.getByRole('button', { name: 'Publish new version' }).first().click();
  // The link is on the page before the form is sent too: wait for the new version.
  await admin.locator('#notice', { hasText: /Version \d+ published/ }).waitFor();
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('link', { name: 'Move learners to another version' }).click()]);
  await admin.getByLabel('Learners on').selectOption({ index: 1 });
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Show what the move does' }).click()]);
  await admin.locator('#moves-table').waitFor();
  assert.match(await admin.locator('#moves-warning').textContent(), /worse off at once/);
  const rows = admin.locator('#moves-table tbody tr');
  const count = await rows.count();
  assert.ok(count >= 2);
  assert.match(await rows.first().textContent(), /Added: Hand hygiene audit passed/);
  assert.match(await rows.first().textContent(), /Overdue at once\s*Hand hygiene audit passed/);
  // Untick everyone but the first two, then confirm with a reason.
  for (let i = 2; i < count; i++) await rows.nth(i).locator('input[type=checkbox]').uncheck();
  assert.equal(await admin.locator('#moves-table tbody input[type=checkbox]:checked').count(), 2, 'two left ticked');
  await admin.getByLabel('Why they are moving').fill('Infection control audit for the whole ward');
  await admin.getByRole('button', { name: 'Move the learners ticked' }).click();
  await admin.locator('#notice', { hasText: /learners moved/ }).waitFor();
  assert.match(await admin.locator('#notice').textContent(), /2 learners moved/);
  await admin.goto(`${baseUrl}/admin/audit?action=enrolment.moved`);
  const moves = await admin.locator('#audit-events .audit-what').allTextContents();
  assert.equal(moves.length, 2);
  assert.ok(moves.every((m) => /moved .+ to another pathway version/.test(m)), moves.join(' | '));
  await admin.context().close();
});
