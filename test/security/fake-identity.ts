/**
 * A local stand-in for the Bot Framework's identity services, on loopback:
 * - an OpenID metadata document and a JWKS with the public half of test RSA keys, so the
 *   adapter's real JWT validation runs against keys the test controls;
 * - a client-credentials token endpoint, so outgoing calls get a token we can recognise:
 *   `/oauth2/v2.0/token` hands out `issuedToken`; `/<tenant>/oauth2/v2.0/token` (Entra ID's
 *   shape) hands out `tok-cc-<tenant>-<client_id>-<n>`, so a token says which authority
 *   tenant and which app it was issued for. `down` makes it answer 503.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, kty: 'RSA', use: 'sig', alg: 'RS256' };
  return { kid, privateKey, publicJwk };
}

export class FakeIdentity {
  readonly issuer = 'https://api.botframework.test';
  /** Keys published in the JWKS. */
  published: TestKey[] = [];
  /** Tokens handed out by the token endpoint, and the form bodies that asked for them. */
  readonly tokenRequests: URLSearchParams[] = [];
  readonly issuedToken = `fake-access-token-${randomUUID()}`;
  /** Every token request: the tenant in its path (null for the tenant-less path), its form, the answer's status. */
  readonly tokenCalls: {
    tenant: string | null;
    form: URLSearchParams;
    status: number;
    token: string | null;
  }[] = [];
  /** While true the token endpoint answers 503 (Entra ID unavailable). */
  down = false;
  /** Lifetime of the tokens handed out. */
  expiresInS = 3600;
  private issued = 0;
  metadataFetches = 0;
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get metadataUrl() {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  get tokenEndpoint() {
    return `${this.url}/oauth2/v2.0/token`;
  }

  /** Entra ID's shape: the authority tenant in the path (`{tenant}` is filled in by the service). */
  get tenantTokenEndpoint() {
    return `${this.url}/{tenant}/oauth2/v2.0/token`;
  }

  /** A token as the Bot Connector signs it for a Teams activity; override any claim. */
  async sign(
    key: TestKey,
    claims: { aud: string; serviceurl: string; iss?: string; expiresInS?: number; notBeforeS?: number },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ serviceurl: claims.serviceurl })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(claims.iss ?? this.issuer)
      .setAudience(claims.aud)
      .setIssuedAt(now - 60)
      .setNotBefore(now + (claims.notBeforeS ?? -60))
      .setExpirationTime(now + (claims.expiresInS ?? 3600))
      .sign(key.privateKey);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      this.metadataFetches++;
      return send(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.url}/v1/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      return send(200, { keys: this.published.map((k) => ({ ...k.publicJwk, endorsements: ['msteams'] })) });
    }
    const tokenPath = /^(?:\/([^/]+))?\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && tokenPath) {
      const tenant = tokenPath[1] ? decodeURIComponent(tokenPath[1]) : null;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (tenant === null) this.tokenRequests.push(form);
      const answer = (status: number, body: Record<string, unknown>) => {
        this.tokenCalls.push({ tenant, form, status, token: (body.access_token as string) ?? null });
        send(status, body);
      };
      if (this.down) return answer(503, { error: 'temporarily_unavailable' });
      if (form.get('grant_type') !== 'client_credentials' || !form.get('client_secret'))
        return answer(400, { error: 'invalid_request' });
      const token =
        tenant === null ? this.issuedToken : `tok-cc-${tenant}-${form.get('client_id')}-${++this.issued}`;
      return answer(200, { token_type: 'Bearer', expires_in: this.expiresInS, access_token: token });
    }
    send(404, { error: 'not found' });
  }
}
