/**
 * A local stand-in for App Service's (and Container Apps') managed identity endpoint, as
 * @azure/identity's ManagedIdentityCredential (MSAL's AppService source) calls it:
 * GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource>&client_id=<id>
 * with header X-IDENTITY-HEADER: <IDENTITY_HEADER>; answers
 * { access_token, expires_on (epoch seconds, as a string), resource, token_type }.
 *
 * It hands out `tok-msi-<client_id>-<n>` and only to a request with the right identity header
 * and api-version. MSAL picks its source from the environment on the first token request and
 * keeps it (and its token cache) for the life of the process, so one endpoint serves the whole
 * test process: `sharedFakeManagedIdentity()` starts it once and never stops it (unref'd).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ManagedIdentityCall {
  clientId: string | null;
  resource: string | null;
  apiVersion: string | null;
  identityHeader: string | null;
  status: number;
  token: string | null;
}

export class FakeManagedIdentity {
  readonly secret = `identity-header-${randomUUID()}`;
  readonly calls: ManagedIdentityCall[] = [];
  /** While true it answers 503. */
  down = false;
  /** Lifetime of the tokens handed out. */
  lifetimeS = 24 * 3600;
  url = '';
  private issued = 0;
  private server: http.Server | null = null;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.server.unref();
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/msi/token`;
    return this;
  }

  callsFor(clientId: string): ManagedIdentityCall[] {
    return this.calls.filter((c) => c.clientId === clientId);
  }

  /** Points @azure/identity at this endpoint; returns a function that restores the environment. */
  useInEnvironment(): () => void {
    const saved = {
      IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: process.env.IDENTITY_HEADER,
    };
    process.env.IDENTITY_ENDPOINT = this.url;
    process.env.IDENTITY_HEADER = this.secret;
    return () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const header = req.headers['x-identity-header'];
    const call: ManagedIdentityCall = {
      clientId: url.searchParams.get('client_id'),
      resource: url.searchParams.get('resource'),
      apiVersion: url.searchParams.get('api-version'),
      identityHeader: typeof header === 'string' ? header : null,
      status: 0,
      token: null,
    };
    const send = (status: number, body: Record<string, unknown>) => {
      call.status = status;
      this.calls.push(call);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return send(404, { error: 'not found' });
    if (this.down) return send(503, { error: 'temporarily_unavailable', error_description: 'injected' });
    if (call.identityHeader !== this.secret) return send(401, { error: 'invalid_identity_header' });
    if (call.apiVersion !== '2019-08-01' || !call.resource || !call.clientId)
      return send(400, { error: 'invalid_request' });
    call.token = `tok-msi-${call.clientId}-${++this.issued}`;
    send(200, {
      access_token: call.token,
      expires_on: String(Math.floor(Date.now() / 1000) + this.lifetimeS),
      resource: call.resource,
      token_type: 'Bearer',
      client_id: call.clientId,
    });
  }
}

let shared: Promise<FakeManagedIdentity> | null = null;

export function sharedFakeManagedIdentity(): Promise<FakeManagedIdentity> {
  shared ??= new FakeManagedIdentity().start();
  return shared;
}
