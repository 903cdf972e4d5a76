/**
 * The project's root folder (package.json, cards/, dist/web), found the same way whether the
 * service runs from its sources (tsx: <root>/src/package-root.ts) or from the compiled build
 * (node: <root>/dist/src/package-root.js). Files read at run time are located from here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const packageRoot =
  path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..') : path.resolve(here, '..');
