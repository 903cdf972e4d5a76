/**
 * `npm run dashboard:screenshots`: renders each dashboard page (lead, supervisor, student) in
 * the light and dark Teams themes to docs/dashboard/*.png, in headless Chromium, against the
 * dashboard test fixture on a throwaway local database.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalDb } from './local-db/local-db.js';

const OUT = path.resolve('docs/dashboard');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-shots-db-'));
const localDb = await startLocalDb({ dataDir, quiet: true });
process.env.TEST_MONGODB_URI = localDb.uri;
const { startDashboard, TestJwks } = await import('../test/dashboard/fixture.js');
const { launchChromium } = await import('../test/dashboard/browser.js');

const jwks = await new TestJwks().start();
const { e2e, seeded } = await startDashboard(jwks);
const browser = await launchChromium();
mkdirSync(OUT, { recursive: true });
const pages = [
  {
    name: 'lead',
    path: '/tabs/cohort',
    as: 'wendy.marsh@example.nhs.uk',
    extra: `&cohortId=${encodeURIComponent(seeded.cohortA)}`,
    ready: 'figure[data-chart="submission-rate"]',
  },
  {
    name: 'manage',
    path: '/tabs/my-placement',
    as: 'wendy.marsh@example.nhs.uk',
    extra: '&view=manage',
    ready: 'section[aria-labelledby="m-students"]',
  },
  {
    name: 'supervisor',
    path: '/tabs/my-placement',
    as: 'sam.okoro@example.nhs.uk',
    extra: '',
    ready: 'figure[data-chart="confidence-trends"]',
  },
  {
    name: 'student',
    path: '/tabs/my-placement',
    as: 'amira.ahmed@student.example.ac.uk',
    extra: '',
    ready: 'figure[data-chart="standards"]',
  },
];
try {
  for (const theme of ['default', 'dark'] as const) {
    for (const p of pages) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(`${e2e.baseUrl}${p.path}?as=${encodeURIComponent(p.as)}&theme=${theme}${p.extra}`);
      await page.waitForSelector(p.ready);
      const file = path.join(OUT, `${p.name}-${theme === 'default' ? 'light' : 'dark'}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log('wrote', path.relative(process.cwd(), file));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await e2e.stop();
  await jwks.stop();
  await localDb.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
