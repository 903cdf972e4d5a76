// npm run test:e2e: every test file outside the unit list; the database starts on first use.
import unitFiles from './test/setup/unit-files.mjs';

export default {
  import: 'tsx',
  timeout: 30000,
  exit: true,
  require: ['test/setup/global.ts'],
  spec: ['test/**/*.test.ts'],
  ignore: unitFiles,
};
