import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  AppPackageError,
  buildAppPackage,
  loadEnv,
  parseEnv,
  REPO_ROOT,
  resolveManifest,
  substitute,
  validateManifest,
} from '../../tools/lib/app-package.js';

const APP_DIR = path.join(REPO_ROOT, 'appPackage');
const readIcon = (name: string) => PNG.sync.read(readFileSync(path.join(APP_DIR, name)));

describe('Teams app package', () => {
  let manifest: Record<string, unknown>;
  // Expected values come from the env files, so a developer's env/.env.local.user does not break this.
  const { BOT_ID: botId, BOT_DOMAIN: domain, AAD_APP_CLIENT_ID: ssoAppId } = loadEnv({ env: 'local' }).values;

  before(async () => {
    ({ manifest } = await resolveManifest({ env: 'local' }));
  });

  describe('manifest', () => {
    it('is valid against the schema shipped with @microsoft/app-manifest for every committed env', async () => {
      for (const env of ['local', 'dev']) {
        const { manifest: m } = await resolveManifest({ env });
        assert.deepEqual(await validateManifest(m), [], `env ${env}`);
      }
    });

    it('uses manifest schema v1.19 or newer', () => {
      const [major, minor] = String(manifest['manifestVersion']).split('.').map(Number);
      assert.ok(major === 1 && minor! >= 19, `manifestVersion ${manifest['manifestVersion']}`);
      assert.match(String(manifest['$schema']), /\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    });

    it('reports errors when a required field is removed or a value is malformed', async () => {
      const broken = structuredClone(manifest);
      delete broken['developer'];
      const errors = await validateManifest(broken);
      assert.ok(
        errors.some((e) => /developer/.test(e)),
        errors.join('\n'),
      );

      const badId = { ...structuredClone(manifest), id: 'not-a-guid' };
      assert.ok((await validateManifest(badId)).some((e) => e.startsWith('/id ')));
    });

    it('declares the bot, its scopes and the command lists', () => {
      const bots = manifest['bots'] as Array<Record<string, unknown>>;
      assert.equal(bots.length, 1);
      const bot = bots[0]!;
      assert.equal(bot['botId'], botId);
      assert.deepEqual(bot['scopes'], ['personal', 'team', 'groupChat']);
      assert.equal(bot['supportsFiles'], true);
      const lists = bot['commandLists'] as Array<{ scopes: string[]; commands: Array<{ title: string }> }>;
      const titles = (scope: string) =>
        lists.find((l) => l.scopes.includes(scope))?.commands.map((c) => c.title) ?? [];
      assert.deepEqual(titles('personal'), [
        'help',
        'check in',
        'my check-ins',
        'reflect',
        'my journey',
        'book a conversation',
        'my bookings',
        'surveys',
        // Teams shows at most 10 commands per scope: `delete my data` and `export my data` stay
        // in `help`, so a lead's `manage cohorts` and a supervisor's `my students` fit the menu.
        'manage cohorts',
        'my students',
      ]);
      assert.deepEqual(titles('team'), [
        'help',
        'link cohort',
        'announce',
        'announcements',
        'reflective workshop',
        'new event',
        'events',
      ]);
    });

    it('points tabs, SSO and valid domains at the bot host', () => {
      const [tab] = manifest['staticTabs'] as Array<Record<string, unknown>>;
      assert.equal(tab!['name'], 'My placement');
      assert.equal(tab!['contentUrl'], `https://${domain}/tabs/my-placement`);
      const [cfg] = manifest['configurableTabs'] as Array<Record<string, unknown>>;
      assert.equal(cfg!['configurationUrl'], `https://${domain}/tabs/config`);
      assert.deepEqual(manifest['webApplicationInfo'], {
        id: ssoAppId,
        resource: `api://${domain}/${ssoAppId}`,
      });
      assert.deepEqual(manifest['validDomains'], [domain]);
      assert.equal((manifest['name'] as { short: string }).short, 'Placement Companion');
    });
  });

  describe('icons', () => {
    it('color.png is 192×192 and opaque NHS blue at the edge', () => {
      const png = readIcon('color.png');
      assert.equal(png.width, 192);
      assert.equal(png.height, 192);
      const i = (96 * 192 + 2) * 4; // middle of the left edge
      assert.deepEqual([...png.data.subarray(i, i + 4)], [0x00, 0x5e, 0xb8, 255]);
    });

    it('outline.png is 32×32, white on transparent', () => {
      const png = readIcon('outline.png');
      assert.equal(png.width, 32);
      assert.equal(png.height, 32);
      let transparent = 0;
      let opaque = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const alpha = png.data[i + 3]!;
        if (alpha === 0) transparent++;
        else {
          opaque++;
          assert.deepEqual([...png.data.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is not white`);
        }
      }
      assert.ok(transparent > 32 * 32 * 0.3, `only ${transparent} transparent pixels`);
      assert.ok(opaque > 32, `only ${opaque} visible pixels`);
    });
  });

  describe('env files and placeholders', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'pc-apppkg-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('parses KEY=VALUE with comments and quotes', () => {
      assert.deepEqual(parseEnv('# c\nA=1\n\nexport B = "two words"\nC=x # note\nD=\n'), {
        A: '1',
        B: 'two words',
        C: 'x',
        D: '',
      });
      assert.throws(() => parseEnv('not a pair'), /line 1/);
    });

    it('lets .env.<env>.user override .env.<env>, and the process environment override both', () => {
      writeFileSync(path.join(dir, '.env.t'), 'A=base\nB=base\nC=base\n');
      writeFileSync(path.join(dir, '.env.t.user'), 'B=user\nC=user\n');
      const { values, files } = loadEnv({ env: 't', envDir: dir, processEnv: { C: 'proc', D: '' } });
      assert.deepEqual(values, { A: 'base', B: 'user', C: 'proc' });
      assert.equal(files.length, 2);
    });

    it('lists every unresolved placeholder', async () => {
      assert.deepEqual(substitute('${{A}} ${{ B }} ${{C}} ${{A}}', { A: 'a', C: '' }), {
        text: 'a ${{ B }} ${{C}} a',
        unresolved: ['B', 'C'],
      });
      writeFileSync(path.join(dir, '.env.partial'), 'TEAMS_APP_ID=00000000-0000-4000-8000-000000000001\n');
      await assert.rejects(
        resolveManifest({ env: 'partial', envDir: dir }),
        (err: unknown) =>
          err instanceof AppPackageError &&
          err.problems.join(' ') === '${{AAD_APP_CLIENT_ID}} ${{BOT_DOMAIN}} ${{BOT_ID}}' &&
          /Unresolved placeholders/.test(err.message),
      );
    });
  });

  describe('builder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'pc-apppkg-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes appPackage.<env>.zip with exactly the manifest and two icons', async () => {
      const { zipPath } = await buildAppPackage({ env: 'local', outDir: dir });
      assert.equal(path.basename(zipPath), 'appPackage.local.zip');
      const zip = await JSZip.loadAsync(readFileSync(zipPath));
      const names = Object.values(zip.files)
        .filter((f) => !f.dir)
        .map((f) => f.name)
        .sort();
      assert.deepEqual(names, ['color.png', 'manifest.json', 'outline.png']);
      const packed = JSON.parse(await zip.file('manifest.json')!.async('string')) as Record<string, unknown>;
      assert.doesNotMatch(JSON.stringify(packed), /\$\{\{/);
      assert.deepEqual(await validateManifest(packed), []);
      const color = await zip.file('color.png')!.async('nodebuffer');
      assert.deepEqual(color, readFileSync(path.join(APP_DIR, 'color.png')));
    });

    it('refuses to package a manifest that fails the schema', async () => {
      const appDir = path.join(dir, 'app');
      cpSync(APP_DIR, appDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}build`) });
      const m = JSON.parse(readFileSync(path.join(appDir, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      delete m['accentColor'];
      writeFileSync(path.join(appDir, 'manifest.json'), JSON.stringify(m));
      await assert.rejects(
        buildAppPackage({ env: 'local', appDir, outDir: path.join(dir, 'out') }),
        (err: unknown) => err instanceof AppPackageError && /accentColor/.test(err.message),
      );
    });
  });
});
