/**
 * The delivery report's CSV link: signed (HMAC-SHA256 with EXPORT_LINK_SECRET, under its own
 * purpose so no other export's token opens it), valid for 15 minutes, naming the lead it was
 * made for; the server checks their role again at every open.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';

export const DELIVERY_LINK_TTL_MS = 15 * 60_000;
type LinkConfig = Pick<Config, 'EXPORT_LINK_SECRET' | 'PUBLIC_BASE_URL'>;

export interface DeliveryLinkClaims {
  tenantId: string;
  personId: string;
  announcementId: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`announcement-delivery|${payload}`).digest('base64url');
}

export function deliveryReportToken(config: LinkConfig, claims: DeliveryLinkClaims, now: Date): string {
  const payload = Buffer.from(
    JSON.stringify({
      t: claims.tenantId,
      p: claims.personId,
      a: claims.announcementId,
      e: now.getTime() + DELIVERY_LINK_TTL_MS,
    }),
  ).toString('base64url');
  return `${payload}.${sign(config.EXPORT_LINK_SECRET, payload)}`;
}

export function verifyDeliveryReportToken(
  config: LinkConfig,
  token: unknown,
  now: Date,
): DeliveryLinkClaims | null {
  if (typeof token !== 'string' || token.length > 2048) return null;
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(config.EXPORT_LINK_SECRET, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof v.e !== 'number' || v.e < now.getTime()) return null;
    if (typeof v.t !== 'string' || typeof v.p !== 'string' || typeof v.a !== 'string') return null;
    return { tenantId: v.t, personId: v.p, announcementId: v.a };
  } catch {
    return null;
  }
}

export function deliveryReportUrl(
  config: LinkConfig,
  tenantId: string,
  personId: string,
  announcementId: string,
  now: Date,
): string {
  const token = deliveryReportToken(config, { tenantId, personId, announcementId }, now);
  return `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/announcements/delivery.csv?token=${encodeURIComponent(token)}`;
}
