// npm run test:unit: the files in test/setup/unit-files.mjs, with no database (test/setup/unit.ts).
import unitFiles from './test/setup/unit-files.mjs';

export default {
  import: 'tsx',
  timeout: 30000,
  exit: true,
  require: ['test/setup/unit.ts'],
  spec: unitFiles,
};
