/**
 * Who is calling the dashboard API. Two ways in:
 * - Teams tab SSO: an Entra ID access token from `authentication.getAuthToken()` (v1 or v2),
 *   checked here for signature (JWKS), expiry, audience (our app id URI) and issuer (the
 *   token's own tenant), then mapped to a person by tenant (`tid`) and AAD object id (`oid`);
 *   a person not yet linked to Teams is matched once by the token's UPN/email.
 * - Local development sign-in (DASHBOARD_DEV_LOGIN, refused by config when an app id is set):
 *   `GET /api/dashboard/dev-token?as=<email>` mints a short-lived HS256 token with a secret
 *   that lives only in this process.
 * Anything else, or a token that names nobody we know, is a 401. Expiry is checked against real
 * time (tokens come from Entra ID), never the service's test clock.
 */
import { randomBytes } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { tabSsoClientId, type Config } from '../../config.js';
import { isValidTenantId } from '../../domain/tenant-id.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';

export interface Viewer {
  tenantId: string;
  person: PersonDoc;
  via: 'sso' | 'dev';
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
}

const DEV_ISSUER = 'placement-companion-dev-login';
const DEV_AUDIENCE = 'placement-companion-dashboard';
const DEV_TOKEN_TTL_S = 8 * 3600;

/** The audiences an SSO token may carry: the app id URI (and the bare app id, as v2 tokens use). */
export function ssoAudiences(config: Config): string[] {
  if (config.TAB_SSO_AUDIENCE)
    return config.TAB_SSO_AUDIENCE.split(',')
      .map((a) => a.trim())
      .filter(Boolean);
  const clientId = tabSsoClientId(config);
  if (!clientId) return [];
  const host = new URL(config.PUBLIC_BASE_URL).host;
  return [`api://${host}/${clientId}`, clientId];
}

/** The issuers accepted for a token of tenant `tid`. */
export function ssoIssuers(config: Config, tid: string): string[] {
  if (config.TAB_SSO_ISSUER)
    return config.TAB_SSO_ISSUER.split(',').map((i) => i.trim().replaceAll('{tid}', tid));
  return [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
}

export class TabAuthenticator {
  private readonly jwks: JWTVerifyGetKey;
  private readonly devSecret = new Uint8Array(randomBytes(32));

  constructor(
    private readonly config: Config,
    private readonly people: PeopleRepository,
  ) {
    this.jwks = createRemoteJWKSet(new URL(config.TAB_SSO_JWKS_URL), { cooldownDuration: 30_000 });
  }

  get devLoginEnabled(): boolean {
    return this.config.DASHBOARD_DEV_LOGIN && !this.config.MicrosoftAppId;
  }

  /** The viewer for an `Authorization: Bearer <token>` header; throws AuthError (→ 401). */
  async authenticate(authorization: string | undefined): Promise<Viewer> {
    const match = /^Bearer\s+([A-Za-z0-9_\-.]+)$/.exec(authorization ?? '');
    if (!match) throw new AuthError('Sign-in required: no bearer token.');
    const token = match[1]!;
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AuthError('The sign-in token is malformed.');
    }
    if (unverified.iss === DEV_ISSUER) return this.authenticateDev(token);
    return this.authenticateSso(token, unverified);
  }

  private async authenticateSso(token: string, unverified: JWTPayload): Promise<Viewer> {
    const audiences = ssoAudiences(this.config);
    if (audiences.length === 0) throw new AuthError('Tab sign-in is not configured on this service.');
    const tid = typeof unverified.tid === 'string' ? unverified.tid : '';
    if (!isValidTenantId(tid)) throw new AuthError('The sign-in token names no tenant.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        audience: audiences,
        issuer: ssoIssuers(this.config, tid),
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp', 'oid', 'tid'],
      }));
    } catch (err) {
      throw new AuthError(describeJoseError(err));
    }
    const oid = String(payload.oid);
    let person = await this.people.byAadObjectId(tid, oid);
    if (!person) {
      const upn = [payload.preferred_username, payload.upn, payload.email].find(
        (v): v is string => typeof v === 'string' && v.includes('@'),
      );
      const byEmail = upn ? await this.people.byEmail(tid, upn) : null;
      // Only a person not yet linked to any Teams identity may be matched by email.
      if (byEmail && !byEmail.aadObjectId) person = byEmail;
    }
    if (!person) throw new AuthError('You are not on a placement roster in this organisation.');
    return { tenantId: tid, person, via: 'sso' };
  }

  private async authenticateDev(token: string): Promise<Viewer> {
    if (!this.devLoginEnabled) throw new AuthError('Development sign-in is not enabled.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.devSecret, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['HS256'],
      }));
    } catch (err) {
      throw new AuthError(describeJoseError(err));
    }
    const tenantId = String(payload.tid ?? '');
    const person = tenantId ? await this.people.byId(tenantId, String(payload.sub ?? '')) : null;
    if (!person) throw new AuthError('That development sign-in names nobody on the roster.');
    return { tenantId, person, via: 'dev' };
  }

  /** Development only: a token for the person with this email in the default tenant. */
  async mintDevToken(email: string, tenantId: string): Promise<string | null> {
    if (!this.devLoginEnabled) return null;
    const person = await this.people.byEmail(tenantId, email);
    if (!person) return null;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: tenantId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(person._id)
      .setIssuedAt(now)
      .setExpirationTime(now + DEV_TOKEN_TTL_S)
      .sign(this.devSecret);
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'Your sign-in has expired; reload the tab.';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `The sign-in token was not issued for this app (${err.claim}).`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey)
    return 'The sign-in token signature is not valid.';
  return 'The sign-in token could not be verified.';
}
