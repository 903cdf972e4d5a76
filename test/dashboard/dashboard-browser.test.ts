import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { TENANT, type E2E } from '../e2e/harness.js';
import { axeSeriousViolations, launchChromium, openPage } from './browser.js';
import {
  escalationId,
  SupervisionRepository,
} from '../../src/features/supervision/supervision-repository.js';
import { collections } from '../../src/storage/collections.js';
import { NOW, startDashboard, TestJwks, type Seeded } from './fixture.js';

const hasChromium = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

describe('dashboard in the browser (Chromium): each role, charts, accessibility, keyboard', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;
  let browser: Browser;

  before(async function () {
    if (!hasChromium)
      throw new Error('Debian chromium is required (.ci/run installs it): /usr/bin/chromium not found');
    await jwks.start();
    ({ e2e, seeded } = await startDashboard(jwks));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await e2e?.stop();
    await jwks.stop();
  });

  const url = (path: string, as: string, extra = '') =>
    `${e2e.baseUrl}${path}?as=${encodeURIComponent(as)}${extra}`;
  const marks = (page: Page, chart: string, mark: 'rect.bar' | 'circle.point') =>
    page.locator(`figure[data-chart="${chart}"] svg ${mark}`).count();

  async function checkPage(page: Page, errors: string[]) {
    const violations = await axeSeriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('text=/at .*\\.ts:\\d+|TypeError|stack/').count(), 0);
  }

  it('lead: every chart has the expected bars, empty states say why, axe and console clean', async () => {
    const { page, errors } = await openPage(
      browser,
      url('/tabs/my-placement', 'wendy.marsh@example.nhs.uk', '&view=lead'),
    );
    await page.waitForSelector('figure[data-chart="submission-rate"]');
    assert.equal(await page.locator('h1').first().textContent(), 'Leadership 2025 cohort 2');
    assert.equal(await marks(page, 'students', 'rect.bar'), 1); // physio (2) hidden under the minimum of 5
    assert.equal(await marks(page, 'submission-rate', 'rect.bar'), 3);
    assert.equal(await marks(page, 'wellbeing', 'rect.bar'), 3);
    assert.equal(await marks(page, 'confidence', 'rect.bar'), 10); // 5 areas x start/end
    assert.deepEqual(await page.locator('[data-panel="overdue"] tbody tr td:first-child').allTextContents(), [
      'George Ives',
    ]);
    // Every feature runs on this service: no panel may claim its feature is not set up, and an
    // empty one says what to do.
    for (const panel of ['conversations', 'surveys', 'announcements']) {
      const state = await page.locator(`[data-panel="${panel}"]`).getAttribute('data-state');
      assert.notEqual(state, 'not-set-up', panel);
      if (state !== 'ok')
        assert.match((await page.locator(`[data-panel="${panel}"] .notice`).textContent())!, /^No /);
    }
    assert.equal(await page.locator('text=not set up yet').count(), 0);
    // The low-wellbeing flags lead to who: the students and their supervisors.
    await page.getByRole('button', { name: 'Show who rated their wellbeing low' }).click();
    await page.waitForSelector('[data-panel="wellbeing"] .who tbody tr');
    assert.deepEqual(await page.locator('[data-panel="wellbeing"] .who tbody tr').allInnerTexts(), [
      'Ben Hughes\tW1 (2), W2 (2), W3 (2)\tSam Okoro',
      'Daniel Brown\tW2 (1)\tRuth Patel',
    ]);
    await checkPage(page, errors);
    await page.context().close();
  });

  it('lead: works by keyboard alone: Tab to the week filter, change it, Tab to a CSV button and download', async () => {
    const { page, errors } = await openPage(
      browser,
      url('/tabs/cohort', 'wendy.marsh@example.nhs.uk', `&cohortId=${encodeURIComponent(seeded.cohortA)}`),
    );
    await page.waitForSelector('figure[data-chart="submission-rate"]');
    // The cohort tab has the same header as every other view.
    assert.equal(await page.locator('header.app-head .brand').textContent(), 'Placement Companion');
    // Tab from the top of the page to the "From week" select.
    let focused = '';
    for (let i = 0; i < 10 && !focused.startsWith('From week'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() =>
        (
          document.activeElement?.closest('label')?.textContent ??
          document.activeElement?.textContent ??
          ''
        ).trim(),
      );
    }
    assert.match(focused, /^From week/);
    await page.keyboard.press('ArrowDown'); // week 2
    await page.waitForFunction(
      () => document.querySelectorAll('figure[data-chart="submission-rate"] rect.bar').length === 2,
    );
    // Keep tabbing to the first CSV button, then press Enter.
    let label = '';
    for (let i = 0; i < 15 && !label.startsWith('Download CSV'); i++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
    }
    assert.match(label, /^Download CSV of Students by profession/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.equal(download.suggestedFilename(), 'students.csv');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(path!, 'utf8'), 'profession,students\noccupational therapy,5\n');
    // A too-small cut is refused with a message, and recoverable by keyboard.
    await page.selectOption('label:has-text("Profession") select', 'physiotherapy');
    await page.waitForSelector('text=This cut is too small to show');
    await checkPage(
      page,
      errors.filter((e) => !/422/.test(e)),
    );
    await page.context().close();
  });

  it('supervisor: my students with status, low wellbeing highlighted, trends, awaiting feedback, sessions', async () => {
    const { page, errors } = await openPage(browser, url('/tabs/my-placement', 'sam.okoro@example.nhs.uk'));
    await page.waitForSelector('[data-panel="my-students"] tbody tr');
    assert.equal(await page.locator('[data-panel="my-students"] tbody tr').count(), 3);
    assert.deepEqual(
      await page.locator('[data-panel="my-students"] tr.row-warn td:first-child').allTextContents(),
      ['Ben Hughes'],
    );
    assert.equal(await marks(page, 'confidence-trends', 'circle.point'), 8);
    assert.equal(await page.locator('figure[data-chart="confidence-trends"] polyline').count(), 3);
    assert.deepEqual(
      await page.locator('[data-panel="awaiting-feedback"] tbody td:first-child').allTextContents(),
      ['Amira Ahmed'],
    );
    assert.equal(await page.locator('[data-panel="supervision-sessions"] tbody tr').count(), 3);
    await checkPage(page, errors);
    await page.context().close();
  });

  it('supervisor: the My students table fits the panel at 1280 px; a long alert is shortened, its full text a click away', async () => {
    // Ben's lead was alerted (and handled it): the longest line the table shows.
    await new SupervisionRepository(e2e.services.database.db).startEpisode(TENANT, {
      _id: escalationId(TENANT, seeded.ids.s2!, 'wellbeing', 1),
      studentId: seeded.ids.s2!,
      cohortId: seeded.cohortA,
      kind: 'wellbeing',
      startWeek: 1,
      weeks: [1, 2, 3],
      notified: 1,
      schemaVersion: 1,
      endedAt: null,
      handledBy: seeded.ids.leadA!,
      handledAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    });
    const { page, errors } = await openPage(browser, url('/tabs/my-placement', 'sam.okoro@example.nhs.uk'));
    await page.waitForSelector('[data-panel="my-students"] tbody tr');
    const fit = await page.evaluate(() => {
      const panel = document.querySelector<HTMLElement>('[data-panel="my-students"]')!;
      return { scroll: panel.scrollWidth, client: panel.clientWidth, viewport: window.innerWidth };
    });
    assert.equal(fit.viewport, 1280);
    assert.ok(fit.scroll <= fit.client, `the table overflows its panel: ${JSON.stringify(fit)}`);
    // Every row stays a few lines tall: no cell wraps into a column of words.
    const heights = await page
      .locator('[data-panel="my-students"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    for (const h of heights) assert.ok(h <= 100, `a row is ${h}px tall`);
    const alert = page.locator('[data-panel="my-students"] details.alert');
    assert.equal(await alert.count(), 1);
    const summary = (await alert.locator('summary').textContent())!;
    assert.ok(summary.length <= 60, summary);
    await alert.locator('summary').press('Enter');
    assert.match((await alert.textContent())!, /weeks running \(weeks 1, 2 and 3\) · Handled by Wendy Marsh/);
    await checkPage(page, errors);
    await page.context().close();
  });

  it('supervisor: Open check-in sends the supervisor card to the chat and says so', async () => {
    const { page, errors } = await openPage(browser, url('/tabs/my-placement', 'sam.okoro@example.nhs.uk'));
    await page.waitForSelector('[data-panel="my-students"] tbody tr');
    const before = await e2e.services.database.db
      .collection(collections.outbox.name)
      .countDocuments({ purpose: 'checkin.to-chat' });
    await page.getByRole('button', { name: 'Open check-in: Ben Hughes, week 3' }).click();
    const status = page.locator('[data-panel="my-students"] [role="status"]');
    await status.waitFor();
    assert.equal(
      await status.textContent(),
      'Sent to your chat with Placement Companion: Ben Hughes: week 3 of 6 check-in. Comment, countersign or record the session from there.',
    );
    assert.equal(
      await e2e.services.database.db
        .collection(collections.outbox.name)
        .countDocuments({ purpose: 'checkin.to-chat' }),
      before + 1,
    );
    await checkPage(page, errors);
    await page.context().close();
  });

  it('student: reflections by pillar and HCPC standard with gaps, confidence trend, export link', async () => {
    const { page, errors } = await openPage(
      browser,
      url('/tabs/my-placement', 'amira.ahmed@student.example.ac.uk', '&theme=dark'),
    );
    await page.waitForSelector('figure[data-chart="pillars"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await marks(page, 'pillars', 'rect.bar'), 4);
    assert.equal(await page.locator('figure[data-chart="pillars"] rect.bar.gap').count(), 1);
    assert.equal(await marks(page, 'standards', 'rect.bar'), 15);
    assert.equal(await page.locator('figure[data-chart="standards"] rect.bar.gap').count(), 12);
    assert.equal(await marks(page, 'confidence', 'circle.point'), 3);
    await page.getByRole('button', { name: 'Get my export links' }).press('Enter');
    await page.waitForSelector('a:has-text("learning journey")');
    await checkPage(page, errors);
    await page.context().close();
  });

  it('lead of two cohorts: the comparison panel picks cohorts, compares check-in confidence without surveys, says why there are no figures, axe clean', async () => {
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: 'two.cohorts@example.nhs.uk',
        displayName: 'Lead of both',
        roles: ['lead'],
        profession: 'physiotherapy',
        cohortId: null,
        cohortIds: [seeded.cohortA, seeded.cohortB],
        timeZone: null,
      },
      e2e.clock.now(),
    );
    const { page, errors } = await openPage(
      browser,
      url('/tabs/my-placement', 'two.cohorts@example.nhs.uk', '&view=lead'),
    );
    await page.waitForSelector('[data-panel="compare"] table');
    const names = await page.locator('[data-panel="compare"] thead th').allTextContents();
    assert.equal(names.length, 3);
    assert.equal(names[0], 'Area');
    // No confidence surveys in these cohorts, so the figures come from the weekly check-ins: the
    // five confidence areas; cohort A's six students with two weeks of check-ins (+2 each, one +1:
    // +1.83), cohort B none: a dash, and the notes say why.
    assert.equal(await page.locator('[data-panel="compare"] tbody tr').count(), 5);
    assert.deepEqual(
      [...new Set(await page.locator('[data-panel="compare"] tbody td').allTextContents())],
      ['+1.83', '–'],
    );
    assert.equal(
      await page
        .locator('[data-panel="compare"] li[data-shown="true"]', {
          hasText: "6 students' first and latest check-ins",
        })
        .count(),
      1,
    );
    assert.equal(
      await page
        .locator('[data-panel="compare"] li[data-shown="false"]', { hasText: 'no student has rated' })
        .count(),
      1,
    );
    await checkPage(page, errors);
    await page.locator('[data-panel="compare"] input[type="checkbox"]').first().uncheck();
    await page.waitForSelector('[data-panel="compare"] >> text=Choose at least two cohorts to compare.');
    assert.equal(await page.locator('[data-panel="compare"] table').count(), 0);
    await page.context().close();
  });

  it('high-contrast theme and the tab configuration page render without violations', async () => {
    const { page, errors } = await openPage(
      browser,
      url('/tabs/config', 'wendy.marsh@example.nhs.uk', '&theme=contrast'),
    );
    await page.waitForSelector('label:has-text("Cohort") select');
    assert.equal(await page.locator('option').count(), 1);
    await checkPage(page, errors);
    await page.context().close();
  });

  it('lead: the Manage page adds a non-placement day and refuses an unknown supervisor under the field; axe clean', async () => {
    const { page, errors } = await openPage(
      browser,
      url('/tabs/my-placement', 'wendy.marsh@example.nhs.uk', '&view=manage'),
    );
    await page.waitForSelector('section[aria-labelledby="m-students"]');
    assert.equal(await page.locator('h1').first().textContent(), 'Manage cohorts');
    await page.fill('#f-date', '2025-02-12');
    await page.getByRole('button', { name: 'Add day' }).click();
    await page.waitForSelector('text=Wed 12 Feb 2025 is now a non-placement day');
    assert.ok(
      (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!.nonPlacementDates.includes('2025-02-12'),
    );
    const people = await e2e.services.database.db.collection('people').countDocuments({});
    await page.fill('#f-email', 'new.student@student.example.ac.uk');
    await page.fill('#f-displayName', 'Nova Student');
    await page.fill('#f-profession', 'physiotherapy');
    await page.fill('#f-supervisorEmails', 'nobody@example.nhs.uk');
    await page.getByRole('button', { name: 'Add student' }).click();
    await page.waitForSelector('#e-supervisorEmails');
    assert.match(
      (await page.locator('#e-supervisorEmails').textContent())!,
      /nobody@example\.nhs\.uk is not on the roster/,
    );
    assert.equal(await page.locator('#f-supervisorEmails').getAttribute('aria-invalid'), 'true');
    assert.match(
      (await page.locator('[role="alert"]').textContent())!,
      /Nothing was saved\. Please check: Supervisors' email addresses\./,
    );
    assert.equal(await e2e.services.database.db.collection('people').countDocuments({}), people);
    // Put the calendar back for the other tests.
    await e2e.services.cohorts.removeNonPlacementDates(TENANT, seeded.cohortA, ['2025-02-12'], new Date());
    await checkPage(
      page,
      // The refused add answers 422 by design (the browser logs it too); anything else is an error.
      errors.filter((e) => !/422/.test(e)),
    );
    await page.context().close();
  });

  it('tells a person without a sign-in what to do instead of a blank page', async () => {
    const { page } = await openPage(browser, `${e2e.baseUrl}/tabs/my-placement`);
    await page.waitForSelector('text=Sign-in needed');
    assert.match(
      (await page.locator('.notice-box').textContent())!,
      /Open this page as a tab in Microsoft Teams/,
    );
    await page.context().close();
  });
});
