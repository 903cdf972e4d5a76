/**
 * Short-lived signed links for learning-journey exports.
 *
 * A token is `<payload>.<signature>`: the payload (base64url JSON) names the tenant, the
 * person the link was made for (`for`), whose journey it opens (`of`), the format, the
 * expiry and a random nonce; the signature is HMAC-SHA256 over the payload with
 * EXPORT_LINK_SECRET. Changing any byte (another person, a later expiry) breaks the
 * signature; the nonce makes tokens unguessable. A link opens as often as needed until it
 * expires; the server checks who may see what at every open. Pure apart from randomness.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const EXPORT_LINK_TTL_MS = 15 * 60 * 1000;
export const EXPORT_FORMATS = ['html', 'csv', 'pptx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportClaims {
  /** tenant */
  t: string;
  /** the person who asked for the export (student, or their supervisor) */
  for: string;
  /** whose journey */
  of: string;
  f: ExportFormat;
  /** expiry, epoch ms */
  exp: number;
  /** 128-bit random nonce, base64url */
  n: string;
  /** An assessor's read-only view: the share (journey_shares._id), checked at every open. */
  sh?: string;
  /** The student chose to include their check-in narratives. */
  c?: 1;
  /** The presentation starter's picked reflections (their keys), for format 'pptx'. */
  p?: string[];
}

/** How long a student's read-only view for a named assessor lasts. */
export const ASSESSOR_SHARE_DAYS = 14;
export const ASSESSOR_SHARE_MS = ASSESSOR_SHARE_DAYS * 24 * 60 * 60 * 1000;

export type VerifyResult =
  { ok: true; claims: ExportClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function createExportToken(
  secret: string,
  params: {
    tenantId: string;
    requesterId: string;
    subjectId: string;
    format: ExportFormat;
    now: Date;
    shareId?: string;
    includeCheckins?: boolean;
    picks?: string[];
  },
  ttlMs = EXPORT_LINK_TTL_MS,
): { token: string; claims: ExportClaims } {
  const claims: ExportClaims = {
    t: params.tenantId,
    for: params.requesterId,
    of: params.subjectId,
    f: params.format,
    exp: params.now.getTime() + ttlMs,
    n: randomBytes(16).toString('base64url'),
    ...(params.shareId ? { sh: params.shareId } : {}),
    ...(params.includeCheckins ? { c: 1 as const } : {}),
    ...(params.picks ? { p: params.picks } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${sign(payload, secret)}`, claims };
}

export function verifyExportToken(secret: string, token: unknown, now: Date): VerifyResult {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!))
    return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const expected = Buffer.from(sign(payload, secret), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };
  let claims: ExportClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ExportClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof claims?.t !== 'string' ||
    typeof claims.for !== 'string' ||
    typeof claims.of !== 'string' ||
    !(EXPORT_FORMATS as readonly string[]).includes(claims.f) ||
    typeof claims.exp !== 'number' ||
    typeof claims.n !== 'string' ||
    (claims.sh !== undefined && typeof claims.sh !== 'string') ||
    (claims.c !== undefined && claims.c !== 1) ||
    (claims.p !== undefined &&
      !(
        Array.isArray(claims.p) &&
        claims.p.length <= 5 &&
        claims.p.every((k) => typeof k === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(k))
      ))
  )
    return { ok: false, reason: 'malformed' };
  if (now.getTime() >= claims.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
