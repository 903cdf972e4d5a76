/**
 * A local fake Bot Connector: an HTTP server on loopback that acts as the `serviceUrl` the
 * bot talks to. It records every activity the bot sends, answers the Teams member lookup
 * from a directory, and can inject faults (429 with Retry-After, 5xx, 403) per request.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  conversationId: string;
  activityId: string | null;
  activity: Record<string, unknown> | null;
  at: number;
  status: number;
  authorization: string | null;
}

export interface Member {
  id: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
  aadObjectId?: string;
}

export type Fault = { status: number; headers?: Record<string, string>; delayMs?: number } | undefined;

export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  /** Every request, whatever it was for (member lookups too), with its Authorization header. */
  readonly requests: { method: string; path: string; authorization: string | null }[] = [];
  readonly members = new Map<string, Member>();
  /** Decide a fault for a call (before it is recorded as delivered). */
  fault: (call: {
    method: string;
    path: string;
    conversationId: string;
    activity: Record<string, unknown> | null;
  }) => Fault = () => undefined;
  /** Artificial latency for every successful call. */
  latencyMs = 0;
  /** While set, activity calls wait for it before they are answered (a test opens it). */
  held: Promise<void> | null = null;
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addMember(member: Member): void {
    this.members.set(member.id, member);
  }

  /** Successful message sends (POST of an activity, not typing), optionally for one conversation. */
  delivered(conversationId?: string): RecordedCall[] {
    return this.calls.filter(
      (c) =>
        c.status < 300 &&
        c.method === 'POST' &&
        c.activity !== null &&
        c.activity.type !== 'typing' &&
        (conversationId === undefined || c.conversationId === conversationId),
    );
  }

  /** Waits until `predicate` holds for the recorded calls. */
  async waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      if (Date.now() > deadline)
        throw new Error(`FakeConnector.waitFor timed out after ${timeoutMs} ms (${this.calls.length} calls)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.requests.length = 0;
    this.fault = () => undefined;
    this.latencyMs = 0;
    this.held = null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    this.requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization ?? null,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };

    // v3/conversations/{id}/members/{userId}: the Teams member lookup.
    if (
      method === 'GET' &&
      parts[0] === 'v3' &&
      parts[1] === 'conversations' &&
      parts[3] === 'members' &&
      parts[4]
    ) {
      const member = this.members.get(parts[4]);
      return member ? send(200, member) : send(404, { error: { code: 'MemberNotFoundInConversation' } });
    }
    if (
      method === 'GET' &&
      parts[0] === 'v3' &&
      parts[1] === 'conversations' &&
      parts[3] === 'pagedmembers'
    ) {
      return send(200, { members: [...this.members.values()] });
    }
    // v3/conversations: create a (personal) conversation.
    if (method === 'POST' && parts[0] === 'v3' && parts[1] === 'conversations' && parts.length === 2) {
      const members = (body?.members as { id: string }[] | undefined) ?? [];
      const fault = this.fault({ method, path: url.pathname, conversationId: '', activity: null });
      if (fault) return send(fault.status, { error: { code: 'Fault' } }, fault.headers);
      return send(201, { id: `a:personal-${members[0]?.id ?? randomUUID()}` });
    }
    if (parts[0] !== 'v3' || parts[1] !== 'conversations' || parts[3] !== 'activities') return send(404, {});

    const conversationId = parts[2];
    const activityId = parts[4] ?? null;
    const call = { method, path: url.pathname, conversationId, activity: body };
    const fault = this.fault(call);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    const status = fault?.status ?? (method === 'POST' ? 201 : 200);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.held) await this.held;
    this.calls.push({
      ...call,
      activityId,
      at: Date.now(),
      status,
      authorization: req.headers.authorization ?? null,
    });
    if (fault) return send(fault.status, { error: { code: 'Fault', message: 'injected' } }, fault.headers);
    if (method === 'POST') return send(201, { id: `act-${randomUUID()}` });
    if (method === 'PUT') return send(200, { id: activityId });
    return send(200);
  }
}
