/**
 * The production packaging, checked without Docker (there is no daemon where the tests run):
 * the Dockerfile copies what the build needs and the runtime stage what the compiled service
 * reads, its CMD is the compiled entry that `npm run start:prod` runs, docker-compose's local
 * stack passes the config rules, and the service writes nothing to the file system at run time.
 * The real build from a clean clone is tools/verify-production-build.sh (run by .ci/run).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cardsDir } from '../../src/cards/cards.js';
import { loadConfig } from '../../src/config.js';
import { WEB_DIST } from '../../src/features/dashboard/http.js';
import { definitionsDir } from '../../src/features/surveys/definitions.js';
import { packageRoot } from '../../src/package-root.js';

const root = packageRoot;
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Stage {
  name: string;
  base: string;
  copies: { from: string | null; sources: string[]; dest: string }[];
  env: Record<string, string>;
  user: string | null;
  cmd: string[] | null;
}

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  // Joins continuation lines, drops comments.
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const stage = stages.at(-1);
    switch (instruction.toUpperCase()) {
      case 'FROM': {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        assert.ok(m, `FROM ${args}`);
        stages.push({
          name: m[2] ?? String(stages.length),
          base: m[1],
          copies: [],
          env: {},
          user: null,
          cmd: null,
        });
        break;
      }
      case 'COPY': {
        assert.ok(stage, 'COPY before FROM');
        const words = rest.filter((w) => !w.startsWith('--') || w.startsWith('--from='));
        const from = rest.find((w) => w.startsWith('--from='))?.slice('--from='.length) ?? null;
        const paths = words.filter((w) => !w.startsWith('--'));
        stage.copies.push({ from, sources: paths.slice(0, -1), dest: paths.at(-1)! });
        break;
      }
      case 'ENV':
        for (const m of args.matchAll(/(\w+)=(\S+)/g)) stage!.env[m[1]] = m[2];
        break;
      case 'USER':
        stage!.user = args;
        break;
      case 'CMD':
        stage!.cmd = JSON.parse(args) as string[];
        break;
    }
  }
  return stages;
}

/** Whether .dockerignore leaves `file` (relative to the context) out of the build context. */
function ignoredByDockerignore(file: string): boolean {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const parts = file.split('/');
  return patterns.some((p) => parts.some((_, i) => parts.slice(0, i + 1).join('/') === p.replace(/\/$/, '')));
}

const stages = parseDockerfile(read('Dockerfile'));
const build = stages[0];
const runtime = stages.at(-1)!;
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

describe('production packaging (Dockerfile, compose, run-time files)', () => {
  it('is multi-stage: node:20-slim at run time, as the node user, running plain node on the compiled entry', () => {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    assert.equal(runtime.base, 'node:20-slim');
    assert.equal(runtime.user, 'node');
    assert.equal(runtime.env.NODE_ENV, 'production');
    assert.deepEqual(runtime.cmd, ['node', 'dist/src/index.js']);
    // npm run start:prod is the same command; `exec` replaces npm's shell with node, so the
    // SIGTERM npm forwards reaches node (a shell in between dies and leaves node running).
    assert.equal(pkg.scripts['start:prod'], `exec ${runtime.cmd!.join(' ')}`);
    // The entry is where tsconfig.build.json emits src/index.ts.
    const tsconfig = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    const emitted = path.join(
      tsconfig.compilerOptions.outDir,
      path.relative(tsconfig.compilerOptions.rootDir, 'src/index.ts').replace(/\.ts$/, '.js'),
    );
    assert.equal(emitted, runtime.cmd![1]);
    for (const word of ['tsx', 'vite', 'npm']) assert.ok(!runtime.cmd!.includes(word), `no ${word} at start`);
  });

  it('build stage: compiles, builds the tab and prunes the dev dependencies', () => {
    const text = read('Dockerfile');
    const buildPart = text.slice(0, text.lastIndexOf('\nFROM '));
    assert.match(buildPart, /npm ci\b/);
    assert.match(buildPart, /npm run build\b/);
    assert.match(buildPart, /npm prune --omit=dev\b/);
    assert.ok(pkg.scripts.build.includes('build:web'), 'npm run build builds the tab too');
  });

  it('build stage copies exist, are in the build context, and cover every file the compiler reads', () => {
    const copied = build.copies.filter((c) => c.from === null).flatMap((c) => c.sources);
    for (const source of copied) {
      assert.ok(existsSync(path.join(root, source)), `COPY ${source}: exists`);
      assert.ok(!ignoredByDockerignore(source), `COPY ${source}: not excluded by .dockerignore`);
    }
    const program = execFileSync(
      path.join(root, 'node_modules', '.bin', 'tsc'),
      ['-p', 'tsconfig.build.json', '--listFilesOnly'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .map((f) => f.trim())
      .filter(Boolean)
      .map((f) => path.relative(root, f))
      .filter((f) => !f.startsWith('node_modules') && !f.startsWith('..'));
    assert.ok(program.includes('src/index.ts'));
    const missing = program.filter(
      (f) => !copied.some((c) => f === c || f.startsWith(c.replace(/\/?$/, '/'))),
    );
    assert.deepEqual(missing, [], 'files the compiler reads that the build stage does not copy');
    // The tab's sources (vite) are under src/, copied whole.
    assert.ok(copied.includes('src') || copied.includes('./src') || copied.some((c) => c.startsWith('src')));
  });

  it('runtime stage holds only the compiled output, production node_modules, cards/ and package.json', () => {
    const fromBuild = runtime.copies.filter((c) => c.from === build.name).flatMap((c) => c.sources);
    assert.deepEqual(fromBuild.map((s) => s.replace(/^\/app\//, '')).sort(), [
      'dist',
      'node_modules',
      'package.json',
    ]);
    const fromContext = runtime.copies.filter((c) => c.from === null).flatMap((c) => c.sources);
    assert.deepEqual(fromContext, ['cards']);
    for (const source of fromContext) assert.ok(!ignoredByDockerignore(source));
    // What the service reads at run time is inside what the runtime stage holds.
    const held = ['dist', 'node_modules', 'package.json', 'cards'];
    const inImage = (dir: string) => {
      const rel = path.relative(root, dir);
      return held.some((h) => rel === h || rel.startsWith(`${h}/`));
    };
    assert.ok(inImage(cardsDir), `cards: ${cardsDir}`);
    assert.ok(inImage(WEB_DIST), `tab build: ${WEB_DIST}`);
    // Survey definitions sit next to their module; npm run build:service copies them to dist/.
    assert.equal(path.relative(root, definitionsDir), 'src/features/surveys/definitions');
    assert.match(
      pkg.scripts['build:service'],
      /cpSync\('src\/features\/surveys\/definitions', 'dist\/src\/features\/surveys\/definitions'/,
    );
  });

  it("docker-compose's local stack (blank credentials) passes the config rules on the container's 0.0.0.0", () => {
    const text = read('docker-compose.yml');
    const bot = text.slice(text.indexOf('\n  bot:'));
    const envBlock = bot.slice(bot.indexOf('    environment:\n') + '    environment:\n'.length).split('\n');
    const env: Record<string, string> = { ...runtime.env };
    for (const line of envBlock) {
      const m = /^ {6}(\w+): (.*)$/.exec(line);
      if (!m) {
        if (/^ {6}#/.test(line)) continue;
        break;
      }
      // ${VAR:-default} with nothing set in the shell: the default.
      const value = m[2].replace(/^'(.*)'$/, '$1').replace(/\$\{\w+:-([^}]*)\}/g, '$1');
      env[m[1]] = value;
    }
    assert.equal(env.ALLOW_UNAUTHENTICATED, 'true');
    assert.equal(env.MicrosoftAppId, '');
    const config = loadConfig(env);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.ALLOW_UNAUTHENTICATED, true);
    // Published on the host's loopback only.
    assert.match(bot, /- '127\.0\.0\.1:3978:3978'/);
    // Without the compose overrides the image alone refuses to start unauthenticated.
    assert.throws(() => loadConfig({ ...runtime.env, MONGODB_URI: env.MONGODB_URI }), /MicrosoftAppId/);
  });

  it('nothing the service runs writes to the file system (read-only root file system)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) {
          walk(full);
          continue;
        }
        const rel = path.relative(root, full);
        // src/web is the tab (browser code); src/admin/cli.ts is the operator's command, which
        // writes the files it is asked to (exports, templates), never the service.
        if (!rel.endsWith('.ts') || rel.startsWith('src/web/') || rel === 'src/admin/cli.ts') continue;
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(
          /\b(writeFileSync|writeFile|appendFileSync|appendFile|mkdirSync|mkdir|createWriteStream|rmSync|renameSync|rename|copyFileSync|cpSync|mkdtemp|mkdtempSync|unlinkSync|unlink)\s*\(/g,
        ))
          offenders.push(`${rel}: ${m[1]}`);
      }
    };
    walk(path.join(root, 'src'));
    assert.deepEqual(offenders, []);
  });
});
