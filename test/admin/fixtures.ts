/** The shared fixtures (shared/fixtures beside the repo, as in the workspace layout). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixturePath(name: string): string {
  const besideRepo = fileURLToPath(new URL(`../../../shared/fixtures/${name}`, import.meta.url));
  return existsSync(besideRepo) ? besideRepo : `/work/shared/fixtures/${name}`;
}

export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}
