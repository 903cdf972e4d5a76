/**
 * Mocha root hooks of the unit run (.mocharc.unit.mjs): no database. test/helpers/db.ts refuses
 * to start one, spawning the local database program directly is refused too, and the run fails
 * at the end if any test tried (even one that caught the error).
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { localDbBinary } from '../../tools/local-db/local-db.js';
import { markUnitRun, refuseDatabaseInUnitRun, unitRunViolations } from './unit-run.js';

markUnitRun();

const spawn = childProcess.spawn;
childProcess.spawn = function guardedSpawn(this: unknown, ...args: Parameters<typeof spawn>) {
  const command = args[0];
  if (typeof command === 'string' && path.resolve(command) === localDbBinary) {
    refuseDatabaseInUnitRun('started the local database');
  }
  return spawn.apply(this, args);
} as typeof spawn;
syncBuiltinESMExports();

export const mochaHooks = {
  afterAll() {
    if (unitRunViolations.length) throw new Error(unitRunViolations.join('\n'));
  },
};
