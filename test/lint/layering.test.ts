/**
 * The layering rules of `npm run lint` (.dependency-cruiser.cjs) still catch what they are for:
 * the same config and the same runner, on a fixture tree that breaks each rule once and also
 * holds an allowed case beside each break. A rule that stops matching fails here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = path.join(REPO, 'test/lint/fixtures/layering');
const CONFIG = path.join(REPO, '.dependency-cruiser.cjs');
const RUNNER = path.join(REPO, 'tools/lint/depcruise.mjs');

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** A module outside the fixture (botbuilder, mongodb, node:fs) by its package name. */
const target = (to: string) => to.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? to;

describe('layering rules (dependency-cruiser, .dependency-cruiser.cjs)', function () {
  this.timeout(120_000);
  let violations: string[];

  before(() => {
    const run = spawnSync(
      process.execPath,
      [RUNNER, 'src', '--config', CONFIG, '--output-type', 'json', '--no-cache'],
      { cwd: FIXTURE, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 },
    );
    assert.ok(run.stdout, `dependency-cruiser printed nothing: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
    violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${target(v.to)}`).sort();
  });

  it('reports each deliberate violation in the fixture, and nothing allowed', () => {
    assert.deepEqual(violations, [
      'domain-is-pure: src/domain/knows-storage.ts → src/storage/rows.ts',
      'domain-is-pure: src/domain/reads-files.ts → fs',
      'domain-is-pure: src/domain/talks-mongo.ts → mongodb',
      'features-not-into-bot: src/features/alpha/uses-bot.ts → src/bot/app.ts',
      'features-only-through-ports: src/features/alpha/uses-beta-internals.ts → src/features/beta/beta-service.ts',
      'platform-behind-the-seam: src/features/alpha/index.ts → botbuilder',
      'web-talks-json-only: src/web/view.ts → src/features/beta/beta-service.ts',
    ]);
  });

  it('finds no violation in the project itself (src)', () => {
    const run = spawnSync(process.execPath, [RUNNER, 'src', '--config', CONFIG, '--no-cache'], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
    });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });

  it('runs in `npm run lint` with that config', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.match(pkg.scripts['lint'] ?? '', /npm run lint:layering/);
    assert.equal(
      pkg.scripts['lint:layering'],
      'node tools/lint/depcruise.mjs src --config .dependency-cruiser.cjs',
    );
  });
});
