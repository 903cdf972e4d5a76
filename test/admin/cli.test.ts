/** `npm run admin` as a user runs it: a child process against the run's local database. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { testMongoUri, uniqueDbName } from '../helpers/db.js';
import { fixturePath } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function admin(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/admin/cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('admin CLI (child process, real local database)', function () {
  this.timeout(60_000);
  const dbName = uniqueDbName('cli');
  const env = { MONGODB_URI: '', MONGODB_DB: dbName };
  let database: Database;
  let dir: string;

  before(async () => {
    env.MONGODB_URI = await testMongoUri();
    database = await connectDatabase(env.MONGODB_URI, dbName);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pc-admin-cli-'));
  });
  after(async () => {
    await database.db.dropDatabase().catch(() => undefined);
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (name: string, tenantId = 'cli-tenant') =>
    database.db.collection(name).countDocuments({ tenantId });

  it('imports the fixture roster (exit 0), then again with nothing to change', async () => {
    const args = [
      'import-roster',
      '--cohorts',
      fixturePath('cohorts.csv'),
      '--people',
      fixturePath('people.csv'),
    ];
    const first = await admin([...args, '--tenant', 'cli-tenant'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Roster imported \(tenant "cli-tenant"/);
    assert.match(first.stdout, /cohorts\s+2 inserted, 0 updated, 0 unchanged/);
    assert.match(first.stdout, /people\s+21 inserted, 0 updated, 0 unchanged/);
    assert.equal(await count('people'), 21);
    assert.equal(await count('cohorts'), 2);

    const second = await admin([...args, '--tenant', 'cli-tenant'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /people\s+0 inserted, 0 updated, 21 unchanged/);
  });

  it('exits 1 with a "row N, column C:" line per bad row, and writes nothing', async () => {
    const people = readFileSync(fixturePath('people.csv'), 'utf8').split('\n');
    people[5] = people[5]!.replace('Amira Ahmed', 'Amira Changed').replace(',student,', ',learner,');
    people[8] = people[8]!.replace('@student.example.ac.uk', '');
    people[15] = people[15]!.replace('Leadership 2025 cohort 2', 'Leadership 2099');
    const badPeople = path.join(dir, 'people-bad.csv');
    writeFileSync(badPeople, people.join('\n'));
    const before = await database.db.collection('people').find({}).sort({ _id: 1 }).toArray();

    const run = await admin(
      [
        'import-roster',
        '--cohorts',
        fixturePath('cohorts.csv'),
        '--people',
        badPeople,
        '--tenant',
        'cli-tenant',
      ],
      env,
    );
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const rowLines = run.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^row \d+, column \w+: /.test(l));
    assert.deepEqual(rowLines, [
      'row 6, column roles: unknown role "learner" (expected student, supervisor, ahp-host, lead, admin, separated by ;)',
      'row 9, column email: not a valid email address',
      'row 16, column cohort: unknown cohort "Leadership 2099": not in the cohorts file and not already imported',
    ]);
    assert.match(run.stderr, /Nothing was written: 3 problems found/);
    assert.ok(run.stderr.includes(`${badPeople}:`), 'names the file the rows are in');
    assert.deepEqual(await database.db.collection('people').find({}).sort({ _id: 1 }).toArray(), before);
  });

  it('imports the AHP directory and exports the roster to a folder', async () => {
    const imported = await admin(
      ['import-directory', fixturePath('ahp-directory.csv'), '--tenant', 'cli-tenant'],
      env,
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /hosts\s+30 inserted/);
    assert.equal(await count('ahp_hosts'), 30);

    const outDir = path.join(dir, 'export');
    const exported = await admin(['export-roster', '--out-dir', outDir, '--tenant', 'cli-tenant'], env);
    assert.equal(exported.code, 0, exported.stderr);
    for (const f of ['cohorts.csv', 'people.csv', 'ahp-directory.csv'])
      assert.ok(existsSync(path.join(outDir, f)), f);
    assert.equal(
      readFileSync(path.join(outDir, 'cohorts.csv'), 'utf8'),
      readFileSync(fixturePath('cohorts.csv'), 'utf8').replace(/\r\n/g, '\n'),
    );

    const again = await admin(['export-roster', '--out-dir', outDir, '--tenant', 'cli-tenant'], env);
    assert.equal(again.code, 2, 'refuses to overwrite without --force');
    assert.match(again.stderr, /already exists \(use --force to overwrite\)/);
  });

  it('exits 2 on usage errors, naming the problem and showing the usage', async () => {
    const missing = await admin(['import-roster', '--cohorts', fixturePath('cohorts.csv')], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /import-roster needs both --cohorts <csv> and --people <csv>/);
    assert.match(missing.stderr, /Usage: npm run admin -- <command>/);

    const unknown = await admin(['import-everything'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "import-everything"/);

    const help = await admin(['help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /export-roster \[--out-dir <dir>\]/);
  });
});
