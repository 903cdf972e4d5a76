/** The lead overview's announcements panel: acknowledgement rates, by profession for a cut. */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { AnnouncementRow } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, notSetUp, ok, type Group, type Panel } from './panels.js';
import type { AnnouncementFigures } from './ports.js';

const ANNOUNCEMENTS = 'Announcements';

/** One acknowledgement-required announcement of a cohort: whole audience and per student profession. */
export interface AnnouncementStat {
  id: string;
  title: string;
  sentAt: Date;
  recipients: number;
  acknowledged: number;
  byProfession: { profession: string; recipients: number; acknowledged: number }[];
}

/** How many announcements the panel lists (the most recent). */
export const ANNOUNCEMENTS_SHOWN = 20;

/**
 * Acknowledgement counts of the cohort's sent announcements that ask for one (the
 * announcements feature: collection `announcements`, whose `audience` is fixed at send time,
 * and `announcement_acks`, one document per person and announcement). Only acknowledgements by
 * the audience count. `professionOf` maps the cohort's students to their profession, for cuts.
 * Null while the announcements feature has not landed.
 */
export async function announcementStats(
  announcements: AnnouncementFigures | null,
  tenantId: string,
  cohortId: string,
  professionOf: Map<string, string>,
): Promise<AnnouncementStat[] | null> {
  if (!announcements) return null;
  const anns = (await announcements.ackRequiredSent(tenantId, cohortId))
    .filter((a) => a.sentAt)
    .sort((a, b) => new Date(b.sentAt!).getTime() - new Date(a.sentAt!).getTime())
    .slice(0, ANNOUNCEMENTS_SHOWN);
  if (anns.length === 0) return [];
  const ackers = new Map<string, Set<string>>(anns.map((a) => [a.id, new Set<string>()]));
  const acks = await announcements.acks(
    tenantId,
    anns.map((a) => a.id),
  );
  for (const a of acks) ackers.get(a.announcementId)?.add(a.personId);
  return anns.map((a) => {
    const audience = a.audience;
    const acked = ackers.get(a.id)!;
    const byProfession = new Map<string, { recipients: number; acknowledged: number }>();
    let acknowledged = 0;
    for (const personId of audience) {
      const did = acked.has(personId);
      if (did) acknowledged++;
      const profession = professionOf.get(personId);
      if (profession === undefined) continue;
      const row = byProfession.get(profession) ?? { recipients: 0, acknowledged: 0 };
      row.recipients++;
      if (did) row.acknowledged++;
      byProfession.set(profession, row);
    }
    return {
      id: a.id,
      title: a.title,
      sentAt: new Date(a.sentAt!),
      recipients: audience.length,
      acknowledged,
      byProfession: [...byProfession].map(([profession, r]) => ({ profession, ...r })),
    };
  });
}

/**
 * The panel from the counts. For the whole cohort every announcement is shown (its audience is
 * the cohort); for a profession cut, only the students of that profession in each audience are
 * counted, and an announcement whose audience holds fewer of them than the minimum group size
 * is left out, so nobody's acknowledgement can be singled out.
 */
export function announcementPanel(
  stats: AnnouncementStat[] | null,
  profession: string | null,
  min: number,
): Panel<AnnouncementRow[]> {
  if (!stats) return notSetUp(ANNOUNCEMENTS);
  if (stats.length === 0)
    return empty(
      'No announcement asking for acknowledgement has been sent to this cohort yet. Leads send one by typing "announce" to the bot.',
    );
  const rows: AnnouncementRow[] = [];
  for (const s of stats) {
    const counts = profession ? s.byProfession.find((p) => p.profession === profession) : s;
    if (!counts || counts.recipients === 0) continue;
    if (profession && counts.recipients < min) continue;
    rows.push({
      id: s.id,
      title: s.title,
      sentAt: new Date(s.sentAt).toISOString(),
      recipients: counts.recipients,
      acknowledged: counts.acknowledged,
      rate: Math.min(1, counts.acknowledged / counts.recipients),
    });
  }
  if (rows.length === 0 && !profession)
    return empty('No announcement asking for acknowledgement has reached anyone in this cohort yet.');
  if (rows.length === 0)
    return {
      state: 'suppressed',
      message: `Hidden to protect anonymity: acknowledgements are shown for a profession only where at least ${min} of its students were asked.`,
    };
  return ok(rows);
}

/** Announcement acknowledgement rates, read directly (the rollup stores the same counts). */
export async function announcementAcks(
  d: DashboardDeps,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
): Promise<Panel<AnnouncementRow[]>> {
  const professionOf = new Map(students.map((s) => [s._id, s.profession]));
  const stats = await announcementStats(d.sources.announcements, tenantId, cohort._id, professionOf);
  return announcementPanel(stats, group.profession, d.config.MIN_GROUP_SIZE);
}
