/**
 * Where each panel's numbers come from. Every query runs in the database through the
 * tenant's scope with the portable pipeline subset; each capability's collection is read only
 * once that feature has registered it in src/storage/collections.ts.
 */
import { CONFIDENCE_AREAS, PILLARS } from '../../domain/catalogues.js';
import { CURRENT_HCPC_CATALOGUE } from '../../domain/hcpc-standards.js';
import type { Services } from '../../services.js';
import { collections } from '../../storage/collections.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { aggregate, empty, notSetUp, ok, registered, type Panel } from './panels.js';
import type { CountRow } from './views.js';

export interface Group {
  cohortId: string;
  profession: string | null;
  range: { fromWeek: number; toWeek: number };
  studentCount: number;
}
export interface WeekRate {
  week: number;
  submitted: number;
  expected: number;
  rate: number;
}
export interface WeekCount {
  week: number;
  count: number;
}
export interface OverdueRow {
  studentId: string;
  name: string;
  week: number;
}
export interface ConfidenceRow {
  area: string;
  label: string;
  pre: number | null;
  post: number | null;
  preN: number;
  postN: number;
}
export interface SurveyResult {
  id: string;
  title: string;
  respondents: number;
  questions: { id: string; text: string; mean: number; n: number }[];
}
export interface AnnouncementRow {
  id: string;
  title: string;
  sentAt: string;
  recipients: number;
  acknowledged: number;
  rate: number;
}
export interface ConfidenceTrend {
  studentId: string;
  name: string;
  points: { week: number; mean: number }[];
}
export interface AwaitingFeedbackRow {
  reflectionId: string;
  studentId: string;
  studentName: string;
  sharedAt: string;
  pillars: string[];
}
export interface SessionRow {
  studentId: string;
  studentName: string;
  sessions: number;
  lastAt: string | null;
}
export interface TagCount {
  key: string;
  label: string;
  count: number;
  gap: boolean;
}
export interface BookingRow {
  startsAt: string;
  hostProfession: string;
  hostRoleType: string;
}

const CHECKINS = 'Check-ins';
const REFLECTIONS = 'Reflections';
const CONVERSATIONS = '20-minute conversations';
const SURVEYS = 'Surveys';
const ANNOUNCEMENTS = 'Announcements';

/** Students of a cohort grouped by profession (roster data, always available). */
export async function studentsByProfession(
  services: Services,
  tenantId: string,
  cohortId: string,
): Promise<CountRow[]> {
  const rows = await aggregate<{ _id: string; count: number }>(services, collections.people, tenantId, [
    { $match: { cohortId, roles: 'student' } },
    { $group: { _id: '$profession', count: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ]);
  return rows.map((r) => ({ key: r._id, label: r._id, count: r.count }));
}

// --- Lead panels --------------------------------------------------------------------------

export async function submissionRate(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<WeekRate[]>> {
  if (!registered('checkins')) return notSetUp(CHECKINS);
  return notSetUp(CHECKINS);
}

export async function overdue(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<OverdueRow[]>> {
  if (!registered('checkins')) return notSetUp(CHECKINS);
  return notSetUp(CHECKINS);
}

export async function confidence(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<ConfidenceRow[]>> {
  if (!registered('surveyResponses')) return notSetUp(SURVEYS);
  return notSetUp(SURVEYS);
}

export async function wellbeingFlags(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<WeekCount[]>> {
  if (!registered('checkins')) return notSetUp(CHECKINS);
  return notSetUp(CHECKINS);
}

export async function conversationsByHost(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<{ byProfession: CountRow[]; byRoleType: CountRow[]; held: number; booked: number }>> {
  return notSetUp(CONVERSATIONS);
}

export async function surveyResults(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<SurveyResult[]>> {
  return notSetUp(SURVEYS);
}

export async function announcementAcks(
  _s: Services,
  _t: string,
  _c: CohortDoc,
  _g: Group,
): Promise<Panel<AnnouncementRow[]>> {
  return notSetUp(ANNOUNCEMENTS);
}

// --- Supervisor panels ----------------------------------------------------------------------

export async function thisWeekStatus(
  _s: Services,
  _t: string,
  _people: PersonDoc[],
  _cohorts: Map<string, CohortDoc>,
  _now: Date,
): Promise<
  Map<string, { checkin: 'submitted' | 'due' | 'overdue' | 'no-placement'; lowWellbeing: boolean }> & {
    available: boolean;
  }
> {
  const result = new Map() as Map<
    string,
    { checkin: 'submitted' | 'due' | 'overdue' | 'no-placement'; lowWellbeing: boolean }
  > & { available: boolean };
  result.available = false;
  return result;
}

export async function confidenceTrends(
  _s: Services,
  _t: string,
  _people: PersonDoc[],
): Promise<Panel<ConfidenceTrend[]>> {
  return notSetUp(CHECKINS);
}

export async function awaitingFeedback(
  services: Services,
  tenantId: string,
  students: PersonDoc[],
  _supervisorId: string,
): Promise<Panel<AwaitingFeedbackRow[]>> {
  const spec = registered('reflections');
  if (!spec) return notSetUp(REFLECTIONS);
  void services;
  void tenantId;
  void students;
  return notSetUp(REFLECTIONS);
}

export async function supervisionSessions(
  _s: Services,
  _t: string,
  _people: PersonDoc[],
): Promise<Panel<SessionRow[]>> {
  return notSetUp('Supervision records');
}

// --- Student panels -------------------------------------------------------------------------

export async function reflectionTags(
  services: Services,
  tenantId: string,
  personId: string,
): Promise<{ pillars: Panel<TagCount[]>; standards: Panel<TagCount[]> }> {
  const spec = registered('reflections');
  if (!spec) return { pillars: notSetUp(REFLECTIONS), standards: notSetUp(REFLECTIONS) };
  const count = async (field: 'pillars' | 'standards') =>
    new Map(
      (
        await aggregate<{ _id: string; count: number }>(services, spec, tenantId, [
          { $match: { personId } },
          { $project: { [field]: 1 } },
          { $unwind: `$${field}` },
          { $group: { _id: `$${field}`, count: { $sum: 1 } } },
        ])
      ).map((r) => [r._id, r.count]),
    );
  const [pillars, standards] = await Promise.all([count('pillars'), count('standards')]);
  const none = 'No reflections yet. Type "reflect" to the bot to write your first one.';
  const total =
    [...pillars.values()].reduce((a, b) => a + b, 0) + [...standards.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return { pillars: empty(none), standards: empty(none) };
  return {
    pillars: ok(
      PILLARS.map((p) => ({
        key: p.id,
        label: p.label,
        count: pillars.get(p.id) ?? 0,
        gap: !pillars.get(p.id),
      })),
    ),
    standards: ok(
      CURRENT_HCPC_CATALOGUE.standards.map((s) => ({
        key: s.code,
        label: `${s.code}: ${s.title}`,
        count: standards.get(s.code) ?? 0,
        gap: !standards.get(s.code),
      })),
    ),
  };
}

export async function conversationsOf(
  _s: Services,
  _t: string,
  _personId: string,
  _now: Date,
): Promise<Panel<{ held: number; booked: number; upcoming: BookingRow[] }>> {
  return notSetUp(CONVERSATIONS);
}

export async function exportUrl(_s: Services, _t: string, _person: PersonDoc): Promise<string | null> {
  return null;
}

export const CONFIDENCE_AREA_IDS = CONFIDENCE_AREAS.map((a) => a.id);
