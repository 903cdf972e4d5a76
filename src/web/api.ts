/** The dashboard's JSON API (the only way this front end talks to the server); its shapes: api-types.ts. */
import type { Host } from './host.js';

export type * from './api-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const FALLBACK: Record<number, string> = {
  401: 'You are not signed in. Reload the tab to sign in again.',
  403: 'You do not have access to this view.',
  503: 'The placement database is not reachable right now. Try again in a minute.',
};

/** A refused change: one message per field (by input name), with the fields' labels. */
export class FieldsError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string>,
    /** Every problem as a line (an upload's rows). */
    readonly lines: string[] = [],
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly host: Host) {}

  private async request(path: string): Promise<Response> {
    const token = await this.host.getToken();
    let response: Response;
    try {
      response = await fetch(path, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      });
    } catch {
      throw new ApiError(
        0,
        'Cannot reach the Placement Companion service. Check your connection and reload the tab.',
      );
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      throw new ApiError(
        response.status,
        body.message ?? FALLBACK[response.status] ?? 'Something went wrong. Reload the tab to try again.',
      );
    }
    return response;
  }

  /** A change (the Manage page): JSON in, JSON out; 422 becomes a FieldsError. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const token = await this.host.getToken();
    let response: Response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Cannot reach the Placement Companion service. Nothing was saved; try again.');
    }
    const json = (await response.json().catch(() => ({}))) as {
      message?: string;
      fields?: Record<string, string>;
    };
    if (response.status === 422)
      throw new FieldsError(json.message ?? 'Nothing was saved.', json.fields ?? {});
    if (!response.ok)
      throw new ApiError(
        response.status,
        json.message ?? FALLBACK[response.status] ?? 'Something went wrong. Nothing was saved; try again.',
      );
    return json as T;
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.request(path)).json()) as T;
  }

  /** Fetches a CSV with the bearer token and hands it to the browser as a download. */
  async download(path: string, filename: string): Promise<void> {
    const blob = await (await this.request(path)).blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}
