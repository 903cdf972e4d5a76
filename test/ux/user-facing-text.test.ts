/**
 * Text people see must not send them to a terminal: no CLI commands (npm run admin …) in any
 * string the bot, the dashboard or a card can show. Scans the code with comments stripped
 * (esbuild, tsx's own compiler), so documentation comments may still name the commands;
 * the admin CLI itself (src/admin) and the operator-facing start-up and config are left out.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { REPO_ROOT } from '../../tools/lib/app-package.js';

const CLI =
  /\bnpm (run|start|install|ci)\b|\bnpx\b|import-roster|import-directory|export-person|erase-person/;
const OPERATOR_ONLY = ['src/admin/', 'src/index.ts', 'src/config.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** The source with every comment removed; strings and template literals stay as written. */
function codeOnly(file: string): string {
  const loader = file.endsWith('.tsx') ? 'tsx' : 'ts';
  return transformSync(readFileSync(file, 'utf8'), { loader, legalComments: 'none', jsx: 'preserve' }).code;
}

describe('user-facing text has no command-line instructions', () => {
  it('every path left out of the scan exists (a moved file would otherwise escape it unseen)', () => {
    assert.deepEqual(
      OPERATOR_ONLY.filter((p) => !existsSync(path.join(REPO_ROOT, p))),
      [],
    );
  });

  it('no string in the bot, the features or the dashboard front end names a CLI command', () => {
    const hits: string[] = [];
    for (const file of files(path.join(REPO_ROOT, 'src'))) {
      const rel = path.relative(REPO_ROOT, file).split(path.sep).join('/');
      if (!/\.tsx?$/.test(rel) || OPERATOR_ONLY.some((p) => rel.startsWith(p))) continue;
      codeOnly(file)
        .split('\n')
        .forEach((line) => {
          if (CLI.test(line)) hits.push(`${rel}: ${line.trim()}`);
        });
    }
    assert.deepEqual(hits, []);
  });

  it('no card template or sample names a CLI command', () => {
    const dir = path.join(REPO_ROOT, 'cards');
    const hits = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && CLI.test(readFileSync(path.join(dir, f), 'utf8')))
      .map((f) => `cards/${f}`);
    assert.deepEqual(hits, []);
  });
});
