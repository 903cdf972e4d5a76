/**
 * Files people send the bot in the personal chat: Teams delivers each as an attachment of type
 * `application/vnd.microsoft.teams.file.download.info` with a short-lived, pre-authorised
 * `downloadUrl` on SharePoint / OneDrive. Only those hosts are fetched (no request to an
 * address an activity names elsewhere), over https, at most MAX_UPLOAD_BYTES, with a time limit.
 * Local development (no app id, so no real Teams) may also fetch from the loopback interface.
 */
import { MAX_UPLOAD_BYTES } from './roster-upload.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface TeamsFile {
  name: string;
  downloadUrl: string;
}

const TEAMS_FILE_HOSTS = /(^|\.)(sharepoint\.com|sharepoint-df\.com|sharepoint\.us|onedrive\.com|1drv\.ms)$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The file attachments of a message activity. */
export function teamsFilesOf(attachments: unknown): TeamsFile[] {
  if (!Array.isArray(attachments)) return [];
  const out: TeamsFile[] = [];
  for (const a of attachments as {
    contentType?: unknown;
    name?: unknown;
    content?: { downloadUrl?: unknown };
  }[]) {
    if (a?.contentType !== FILE_DOWNLOAD_INFO) continue;
    const url = a.content?.downloadUrl;
    if (typeof url !== 'string') continue;
    out.push({ name: typeof a.name === 'string' ? a.name.slice(0, 120) : 'file', downloadUrl: url });
  }
  return out;
}

export class FileDownloadError extends Error {
  override readonly name = 'FileDownloadError';
}

export async function downloadTeamsFile(
  file: TeamsFile,
  options: { allowLoopback: boolean; timeoutMs?: number },
): Promise<string> {
  let url: URL;
  try {
    url = new URL(file.downloadUrl);
  } catch {
    throw new FileDownloadError(`${file.name}: the file link could not be read`);
  }
  const local = options.allowLoopback && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (!local && !(url.protocol === 'https:' && TEAMS_FILE_HOSTS.test(url.hostname)))
    throw new FileDownloadError(`${file.name}: files can only be read from Teams (SharePoint or OneDrive)`);
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch {
    throw new FileDownloadError(
      `${file.name}: the file could not be downloaded from Teams; please send it again`,
    );
  }
  if (!response.ok)
    throw new FileDownloadError(
      `${file.name}: Teams did not give the file (${response.status}); please send it again`,
    );
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_UPLOAD_BYTES) throw new FileDownloadError(`${file.name}: the file is larger than 1 MB`);
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_UPLOAD_BYTES) {
      await reader.cancel();
      throw new FileDownloadError(`${file.name}: the file is larger than 1 MB`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new FileDownloadError(`${file.name}: the file is not UTF-8 text (save it as "CSV UTF-8")`);
  }
}
