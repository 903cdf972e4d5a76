// The unit run (npm run test:unit): tests that need no database, no child process, no server and no
// browser, so the whole run takes seconds. Every other test file runs in npm run test:e2e.
// A unit test that asks for the database fails the unit run (test/setup/unit.ts).
export default [
  'test/domain/**/*.test.ts',
  'test/app-package/manifest.test.ts',
  'test/bot/adapter.test.ts',
  'test/bot/turn-error.test.ts',
  'test/cards/card-samples.test.ts',
  'test/cards/cards.test.ts',
  'test/config/closed-by-default.test.ts',
  'test/config/documented-settings.test.ts',
  'test/feature-kit/card-input.test.ts',
  'test/features/checkins/checkin-schedule.test.ts',
  'test/features/conversations/slot-planning.test.ts',
  'test/features/reflections/export-link-config.test.ts',
  'test/features/reflections/export-links.test.ts',
  'test/features/reflections/journey-export.test.ts',
  'test/features/reflections/journey.test.ts',
  'test/features/supervision/session-input.test.ts',
  'test/features/surveys/definitions.test.ts',
  'test/http/turn-timings.test.ts',
  'test/proactive/rate-limiter.test.ts',
  'test/security/data-protection-labels.test.ts',
  'test/storage/recent-reads.test.ts',
  'test/understanding/understanding.test.ts',
  'test/ux/user-facing-text.test.ts',
];
