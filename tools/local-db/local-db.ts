/**
 * Starts the embedded local database (FerretDB 1.x on SQLite, see main.go) as a child
 * process. Used by `npm start` when MONGODB_URI is unset, by `npm run db`, and by tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const toolDir = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(toolDir, '..', '..');
export const localDbBinary = path.join(projectRoot, '.data', 'bin', 'local-db');

export interface LocalDb {
  uri: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the Go program once (and again when its source is newer than the binary). */
export function ensureLocalDbBinary(): string {
  const sources = readdirSync(toolDir)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .map((f) => path.join(toolDir, f));
  const newestSource = Math.max(...sources.filter(existsSync).map((f) => statSync(f).mtimeMs));
  if (existsSync(localDbBinary) && statSync(localDbBinary).mtimeMs >= newestSource) return localDbBinary;
  mkdirSync(path.dirname(localDbBinary), { recursive: true });
  const result = spawnSync('go', ['build', '-o', localDbBinary, '.'], {
    cwd: toolDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local', GOFLAGS: '-mod=mod' },
  });
  if (result.error)
    throw new Error(`local-db: cannot run 'go build' (${result.error.message}); is Go installed?`);
  if (result.status !== 0) throw new Error(`local-db: 'go build' failed with exit code ${result.status}`);
  return localDbBinary;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  // Polls until a TCP connect succeeds.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`local-db: nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

export async function isPortOpen(port: number): Promise<boolean> {
  return waitForPort(port, 300).then(
    () => true,
    () => false,
  );
}

export async function startLocalDb(
  options: {
    port?: number;
    dataDir?: string;
    quiet?: boolean;
    /** false only to measure FerretDB without our _id lookup indexes (bench/local-db-lookups.ts). */
    idIndexes?: boolean;
    /** FerretDB's SQLite URL query (connection pragmas); default synchronous(normal), see main.go. Benches only. */
    sqliteQuery?: string;
  } = {},
): Promise<LocalDb> {
  const binary = ensureLocalDbBinary();
  const port = options.port ?? (await freePort());
  if (options.port && (await isPortOpen(port))) {
    throw new Error(
      `local-db: port ${port} is already in use. Is another 'npm start' or 'npm run db' running? ` +
        `Stop it, set LOCAL_DB_PORT to a free port, or set MONGODB_URI=mongodb://127.0.0.1:${port}/ to use that database.`,
    );
  }
  const dataDir = path.resolve(options.dataDir ?? path.join(projectRoot, '.data', 'db'));
  mkdirSync(dataDir, { recursive: true });
  // stdin is a pipe the database watches: when this process dies, so does the database.
  const args = ['-listen', `127.0.0.1:${port}`, '-data', dataDir, '-exit-with-parent'];
  if (options.idIndexes === false) args.push('-id-indexes=false');
  if (options.sqliteQuery !== undefined) args.push(`-sqlite-query=${options.sqliteQuery}`);
  const child = spawn(binary, args, {
    stdio: ['pipe', options.quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    await Promise.race([
      waitForPort(port),
      exitPromise.then(() => {
        throw new Error(`local-db: exited during start-up (port ${port}, data ${dataDir})`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir,
    process: child,
    async stop() {
      if (exited) return;
      child.stdin?.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}
