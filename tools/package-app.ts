/**
 * `npm run package` — builds appPackage/build/appPackage.<env>.zip for sideloading into Teams.
 * The environment is the Agents Toolkit's $TEAMSFX_ENV (default "local"); values come from env/.env.<env> and, if present,
 * env/.env.<env>.user. Variables already set in the process environment override both.
 */
import path from 'node:path';
import { AppPackageError, buildAppPackage, REPO_ROOT } from './lib/app-package.js';

const env = process.argv[2] || process.env['TEAMSFX_ENV'] || 'local';
try {
  const { zipPath, envFiles } = await buildAppPackage({ env, processEnv: process.env });
  console.log(
    `Validated manifest (env "${env}", from ${envFiles.map((f) => path.relative(REPO_ROOT, f)).join(', ')})`,
  );
  console.log(`Wrote ${path.relative(process.cwd(), zipPath)}`);
} catch (err) {
  console.error(err instanceof AppPackageError ? err.message : `Packaging failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
