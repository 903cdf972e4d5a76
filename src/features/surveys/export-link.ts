/** The results card's CSV link: short-lived, signed, and checked again against the person's role on use. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ResultsFilter } from './survey-results.js';
import type { SurveyService } from './survey-service.js';

const EXPORT_TTL_MS = 15 * 60_000;

export function exportToken(
  survey: SurveyService,
  tenantId: string,
  personId: string,
  runId: string,
  filter: ResultsFilter,
  now = survey.deps.clock.now(),
): string {
  const payload = Buffer.from(
    JSON.stringify({ t: tenantId, p: personId, r: runId, f: filter, e: now.getTime() + EXPORT_TTL_MS }),
  ).toString('base64url');
  return `${payload}.${sign(survey, payload)}`;
}

export function verifyExportToken(
  survey: SurveyService,
  token: string,
  now = survey.deps.clock.now(),
): { tenantId: string; personId: string; runId: string; filter: ResultsFilter } | null {
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(survey, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof v.e !== 'number' || v.e < now.getTime()) return null;
    return { tenantId: v.t, personId: v.p, runId: v.r, filter: v.f ?? {} };
  } catch {
    return null;
  }
}

function sign(survey: SurveyService, payload: string): string {
  return createHmac('sha256', survey.deps.config.SURVEY_HMAC_SECRET)
    .update(`survey-export|${payload}`)
    .digest('base64url');
}

export function exportUrl(survey: SurveyService, token: string): string {
  return `${survey.deps.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/surveys/export?token=${encodeURIComponent(token)}`;
}
