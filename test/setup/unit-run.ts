/**
 * The unit run (npm run test:unit, test/setup/unit-files.mjs) must start no database: a test that asks
 * for one is an e2e test and belongs out of the unit list. Set by test/setup/unit.ts.
 */
const UNIT_RUN = 'PC_TEST_UNIT_RUN';
export const unitRunViolations: string[] = [];

export function markUnitRun(): void {
  process.env[UNIT_RUN] = '1';
}

export function isUnitRun(): boolean {
  return process.env[UNIT_RUN] === '1';
}

export function refuseDatabaseInUnitRun(what = 'asked for the test database'): void {
  if (!isUnitRun()) return;
  const message =
    `A unit test ${what}: the unit run (npm run test:unit) starts no database. ` +
    'Take its file out of the unit list, test/setup/unit-files.mjs (it then runs in npm run test:e2e).';
  unitRunViolations.push(message);
  throw new Error(message);
}
