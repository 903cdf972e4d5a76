/** The tab pages: the static front-end build from src/web (`npm run build:web` → dist/web). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { packageRoot } from '../../package-root.js';

/** The tab's build (npm run build:web), from the sources and from the compiled service alike. */
export const WEB_DIST = path.join(packageRoot, 'dist', 'web');

const PAGES = ['/tabs/my-placement', '/tabs/cohort', '/tabs/config'];
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
/** Teams (web, desktop, mobile) and Outlook/Office hosts may frame the tab. */
const FRAME_ANCESTORS =
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://*.skype.com https://*.office.com https://*.office365.com https://*.microsoft365.com https://*.cloud.microsoft https://outlook.office.com https://outlook.live.com";
const CSP = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://res.cdn.office.net; ${FRAME_ANCESTORS}`;

/** The tab pages and their assets (the build of src/web). */
export function registerTabPages(server: Server): void {
  for (const page of PAGES) {
    server.get(page, async (_req: Request, res: Response) => {
      const index = path.join(WEB_DIST, 'index.html');
      res.header('Content-Security-Policy', CSP);
      res.header('X-Content-Type-Options', 'nosniff');
      res.header('Cache-Control', 'no-cache');
      if (!existsSync(index)) {
        res.header('Content-Type', 'text/html; charset=utf-8');
        res.writeHead(503);
        res.end(
          '<!doctype html><html lang="en"><title>Dashboard not built</title><p>The dashboard is not available on this server yet. Please tell whoever runs Placement Companion for your organisation, and try again later.</p></html>',
        );
        return;
      }
      res.header('Content-Type', 'text/html; charset=utf-8');
      res.writeHead(200);
      res.end(readFileSync(index));
    });
  }
  server.get('/tabs/assets/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const ext = path.extname(file);
    const full = path.join(WEB_DIST, 'assets', file);
    if (!/^[A-Za-z0-9._-]+$/.test(file) || !CONTENT_TYPES[ext] || !existsSync(full)) {
      res.send(404, { error: 'not_found' });
      return;
    }
    res.header('Content-Type', CONTENT_TYPES[ext]!);
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Cache-Control', 'public, max-age=31536000, immutable');
    res.writeHead(200);
    res.end(readFileSync(full));
  });
}
