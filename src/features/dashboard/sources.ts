/**
 * Where each panel's numbers come from. Every query runs in the database through the
 * tenant's scope with the portable pipeline subset; each capability's collection is read only
 * once that feature has registered it in src/storage/collections.ts.
 */
import type { Document } from 'mongodb';
import { CONFIDENCE_AREAS, labelOf, PILLARS } from '../../domain/catalogues.js';
import { CURRENT_HCPC_CATALOGUE } from '../../domain/hcpc-standards.js';
import { dueInstantForWeek, placementWeekOf, type Pause } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import { collections } from '../../storage/collections.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { aggregate, empty, notSetUp, ok, registered, scoped, suppressed, type Panel } from './panels.js';
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
  baselineResponses: number;
  endResponses: number;
  rows: { measure: string; label: string; pre: number | null; post: number | null; delta: number | null }[];
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

/** The cohort's students (lean: id, name, zone), optionally one profession. */
export async function cohortStudents(
  services: Services,
  tenantId: string,
  cohortId: string,
  profession: string | null,
): Promise<PersonDoc[]> {
  const filter: Document = { cohortId, roles: 'student' };
  if (profession) filter.profession = profession;
  const docs = await services.people
    .scope(tenantId)
    .find(filter, { projection: { _id: 1, displayName: 1, timeZone: 1, profession: 1, roles: 1 } })
    .toArray();
  return docs.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

// --- Check-ins (src/features/checkins: collection `checkins`, one per student per week) ----

/** A check-in's wellbeing at or below this (of 5) is a flag; the check-ins feature uses the same. */
export const LOW_WELLBEING = 2;
const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

interface WeekGroup {
  week: number;
  wellbeing: number;
  n: number;
}

/** Per week and area: how many check-ins gave each confidence value (1..5). */
type ConfidenceCounts = Map<number, { n: number; sums: number[] }>;

/**
 * The cohort's check-ins in the week range, grouped in the database: one pass grouped by
 * (week, wellbeing) gives submission counts and wellbeing flags; one pass per confidence area
 * grouped by (week, value) gives the means. Every result has at most weeks x 5 rows. ($sum of
 * a nested field path is not reliable on FerretDB 1.x, so values are grouped, not summed.)
 */
async function checkinGroups(
  services: Services,
  tenantId: string,
  group: Group,
  studentIds: string[] | null,
): Promise<{ weeks: WeekGroup[]; confidence: ConfidenceCounts } | null> {
  const spec = registered('checkins');
  if (!spec) return null;
  const match: Document = {
    cohortId: group.cohortId,
    week: { $gte: group.range.fromWeek, $lte: group.range.toWeek },
  };
  if (studentIds) match.studentId = { $in: studentIds };
  const byValue = (path: string) =>
    aggregate<{ _id: { week: number; v: number }; n: number }>(services, spec, tenantId, [
      { $match: match },
      { $group: { _id: { week: '$week', v: path }, n: { $sum: 1 } } },
    ]);
  const [wellbeing, ...areas] = await Promise.all([
    byValue('$answers.wellbeing'),
    ...AREAS.map((a) => byValue(`$answers.confidence.${a}`)),
  ]);
  const confidence: ConfidenceCounts = new Map();
  areas.forEach((rows, i) => {
    for (const r of rows) {
      if (typeof r._id.v !== 'number') continue;
      const week = Number(r._id.week);
      const entry = confidence.get(week) ?? { n: 0, sums: AREAS.map(() => 0) };
      if (i === 0) entry.n += r.n;
      entry.sums[i]! += r._id.v * r.n;
      confidence.set(week, entry);
    }
  });
  return {
    weeks: wellbeing.map((r) => ({ week: Number(r._id.week), wellbeing: Number(r._id.v), n: r.n })),
    confidence,
  };
}

/** Per week: whether each student was expected to check in (had a placement day, not paused). */
export async function expectations(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  students: PersonDoc[],
  range: Group['range'],
) {
  const pausesSpec = registered('checkinPauses');
  const pauses = new Map<string, Pause[]>();
  if (pausesSpec) {
    const docs = await scoped(services, pausesSpec, tenantId)
      .find({ cohortId: cohort._id }, { projection: { studentId: 1, from: 1, to: 1 } })
      .toArray();
    for (const d of docs)
      pauses.set(d.studentId, [...(pauses.get(d.studentId) ?? []), { from: d.from, to: d.to }]);
  }
  // Students with the same zone and no pause share one calendar computation.
  const cache = new Map<string, Date | null>();
  const dueOf = (student: PersonDoc, week: number): Date | null => {
    const zone = student.timeZone ?? cohort.timeZone;
    const own = pauses.get(student._id);
    if (own?.length) return dueInstantForWeek(cohort, week, own, zone);
    const key = `${zone}|${week}`;
    if (!cache.has(key)) cache.set(key, dueInstantForWeek(cohort, week, [], zone));
    return cache.get(key)!;
  };
  const weeks: number[] = [];
  for (let w = range.fromWeek; w <= range.toWeek; w++) weeks.push(w);
  return { weeks, dueOf };
}

export interface CheckinPanels {
  submissionRate: Panel<WeekRate[]>;
  overdue: Panel<OverdueRow[]>;
  confidence: Panel<ConfidenceRow[]>;
  wellbeing: Panel<WeekCount[]>;
}

export async function checkinPanels(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
  cut: boolean,
): Promise<CheckinPanels> {
  const min = services.config.MIN_GROUP_SIZE;
  const groups = await checkinGroups(services, tenantId, group, cut ? students.map((s) => s._id) : null);
  if (!groups)
    return {
      submissionRate: notSetUp(CHECKINS),
      overdue: notSetUp(CHECKINS),
      confidence: notSetUp(CHECKINS),
      wellbeing: notSetUp(CHECKINS),
    };
  if (students.length === 0) {
    const none = empty<never>('No students are on this cohort yet. Import the roster to add them.');
    return { submissionRate: none, overdue: none, confidence: none, wellbeing: none };
  }
  const now = services.clock.now();
  const { weeks, dueOf } = await expectations(services, tenantId, cohort, students, group.range);
  const byWeek = new Map<number, WeekGroup[]>();
  for (const g of groups.weeks) byWeek.set(g.week, [...(byWeek.get(g.week) ?? []), g]);

  const started = weeks.filter((w) => {
    const first = dueInstantForWeek(cohort, w);
    return first === null || now.getTime() >= first.getTime() - 7 * 86400_000;
  });
  const rates: WeekRate[] = started.map((week) => {
    const expected = students.filter((s) => dueOf(s, week) !== null).length;
    const submitted = (byWeek.get(week) ?? []).reduce((n, g) => n + g.n, 0);
    return { week, submitted, expected, rate: expected ? Math.min(1, submitted / expected) : 0 };
  });
  const submissionRate =
    started.length === 0
      ? empty<WeekRate[]>('The placement has not started yet: check-ins open in week 1.')
      : ok(rates);

  const wellbeing: Panel<WeekCount[]> =
    started.length === 0
      ? empty('No check-ins yet.')
      : ok(
          started.map((week) => ({
            week,
            count: (byWeek.get(week) ?? [])
              .filter((g) => g.wellbeing <= LOW_WELLBEING)
              .reduce((n, g) => n + g.n, 0),
          })),
        );

  // Confidence: mean per area in the first and the last week of the range that have check-ins.
  const withData = [...groups.confidence.keys()].sort((a, b) => a - b);
  const meanOf = (week: number | undefined) => {
    const c = week === undefined ? undefined : groups.confidence.get(week);
    if (!c) return { n: 0, means: AREAS.map(() => null as number | null) };
    return { n: c.n, means: c.sums.map((sum) => (c.n >= min ? round1(sum / c.n) : null)) };
  };
  const pre = meanOf(withData[0]);
  const post = withData.length > 1 ? meanOf(withData[withData.length - 1]) : meanOf(undefined);
  const confidence: Panel<ConfidenceRow[]> =
    withData.length === 0
      ? empty('No check-ins in these weeks yet.')
      : pre.n < min && post.n < min
        ? suppressed(min, Math.max(pre.n, post.n))
        : ok(
            CONFIDENCE_AREAS.map((a, i) => ({
              area: a.id,
              label: a.label,
              pre: pre.means[i]!,
              post: post.means[i]!,
              preN: pre.n,
              postN: post.n,
            })),
          );

  // Overdue: who has not checked in for the latest week of the range whose due time has passed.
  const dueWeek = [...started]
    .reverse()
    .find((w) => students.some((s) => (dueOf(s, w)?.getTime() ?? Infinity) < now.getTime()));
  let overdue: Panel<OverdueRow[]>;
  if (dueWeek === undefined) overdue = empty('No check-in is past its due time in these weeks yet.');
  else {
    const spec = registered('checkins')!;
    const match: Document = { cohortId: cohort._id, week: dueWeek };
    if (cut) match.studentId = { $in: students.map((s) => s._id) };
    const done = new Set(
      (
        await aggregate<{ studentId: string }>(services, spec, tenantId, [
          { $match: match },
          { $project: { _id: 0, studentId: 1 } },
        ])
      ).map((r) => r.studentId),
    );
    overdue = ok(
      students
        .filter((s) => !done.has(s._id) && (dueOf(s, dueWeek)?.getTime() ?? Infinity) < now.getTime())
        .map((s) => ({ studentId: s._id, name: s.displayName, week: dueWeek })),
    );
  }
  return { submissionRate, overdue, confidence, wellbeing };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export type ConversationsPanel = Panel<{
  byProfession: CountRow[];
  byRoleType: CountRow[];
  held: number;
  booked: number;
}>;

/** 20-minute conversations of the cohort (collection `conversation_bookings`), by host profession and role type. */
export async function conversationsByHost(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
): Promise<ConversationsPanel> {
  const spec = registered('conversationBookings');
  if (!spec) return notSetUp(CONVERSATIONS);
  const match: Document = { cohortId: cohort._id, state: { $in: ['held', 'booked'] } };
  if (group.profession) match.studentId = { $in: students.map((s) => s._id) };
  const rows = await aggregate<{ _id: { p: string; r: string; s: string }; n: number }>(
    services,
    spec,
    tenantId,
    [
      { $match: match },
      { $group: { _id: { p: '$profession', r: '$roleType', s: '$state' }, n: { $sum: 1 } } },
    ],
  );
  if (rows.length === 0)
    return empty(
      'No 20-minute conversations booked yet. Students book them by typing "book a conversation" to the bot.',
    );
  const tally = (key: 'p' | 'r') => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r._id[key], (m.get(r._id[key]) ?? 0) + r.n);
    return [...m]
      .map(([k, count]) => ({ key: k, label: k, count }))
      .sort((x, y) => y.count - x.count || x.label.localeCompare(y.label));
  };
  const count = (state: string) => rows.filter((r) => r._id.s === state).reduce((n, r) => n + r.n, 0);
  return ok({
    byProfession: tally('p'),
    byRoleType: tally('r'),
    held: count('held'),
    booked: count('booked'),
  });
}

/**
 * Survey results: the cohort's latest confidence-baseline vs confidence-end survey means, from
 * the surveys feature (which applies the minimum group size itself and hides small runs).
 * Survey responses are anonymous, so they cannot be cut by profession.
 */
export async function surveyResults(
  services: Services,
  tenantId: string,
  _c: CohortDoc,
  group: Group,
): Promise<Panel<SurveyResult>> {
  const surveys = (
    services as Partial<{ surveys: { confidenceDeltas?: (t: string, c: string) => Promise<SurveyDeltas> } }>
  ).surveys;
  if (!surveys?.confidenceDeltas) return notSetUp(SURVEYS);
  if (group.profession)
    return empty(
      'Survey answers are anonymous, so they cannot be shown for one profession. Choose all professions.',
    );
  const d = await surveys.confidenceDeltas(tenantId, group.cohortId);
  if (!d.baselineRunId && !d.endRunId)
    return empty(
      'No confidence survey has been run for this cohort yet. Start the baseline survey from the bot ("surveys") in week 1.',
    );
  if (!d.shown)
    return {
      state: 'suppressed',
      message: `Hidden to protect anonymity: survey results are shown once both surveys have at least ${services.config.MIN_GROUP_SIZE} responses.`,
    };
  return ok({
    baselineResponses: d.preResponses ?? 0,
    endResponses: d.postResponses ?? 0,
    rows: d.rows.map((r) => ({
      measure: r.measure,
      label: r.label,
      pre: r.pre,
      post: r.post,
      delta: r.delta,
    })),
  });
}

interface SurveyDeltas {
  baselineRunId: string | null;
  endRunId: string | null;
  shown: boolean;
  preResponses: number | null;
  postResponses: number | null;
  rows: { measure: string; label: string; pre: number | null; post: number | null; delta: number | null }[];
}

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
  services: Services,
  tenantId: string,
  cohortId: string,
  professionOf: Map<string, string>,
): Promise<AnnouncementStat[] | null> {
  const annSpec = registered('announcements');
  const ackSpec = registered('announcementAcks');
  if (!annSpec || !ackSpec) return null;
  const anns = (
    await scoped(services, annSpec, tenantId)
      .find(
        { cohortId, state: { $in: ['sent', 'sending'] }, 'content.ackRequired': true },
        { projection: { 'content.title': 1, sentAt: 1, audience: 1 } },
      )
      .toArray()
  )
    .filter((a) => a.sentAt)
    .sort((a, b) => new Date(b.sentAt).getTime() - new Date(a.sentAt).getTime())
    .slice(0, ANNOUNCEMENTS_SHOWN);
  if (anns.length === 0) return [];
  const ackers = new Map<string, Set<string>>(anns.map((a) => [String(a._id), new Set<string>()]));
  const acks = await scoped(services, ackSpec, tenantId)
    .find(
      { announcementId: { $in: anns.map((a) => String(a._id)) } },
      { projection: { _id: 0, announcementId: 1, personId: 1 } },
    )
    .toArray();
  for (const a of acks) ackers.get(a.announcementId)?.add(a.personId);
  return anns.map((a) => {
    const audience: string[] = Array.isArray(a.audience) ? a.audience : [];
    const acked = ackers.get(String(a._id))!;
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
      id: String(a._id),
      title: String(a.content?.title ?? ''),
      sentAt: new Date(a.sentAt),
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
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
): Promise<Panel<AnnouncementRow[]>> {
  const professionOf = new Map(students.map((s) => [s._id, s.profession]));
  const stats = await announcementStats(services, tenantId, cohort._id, professionOf);
  return announcementPanel(stats, group.profession, services.config.MIN_GROUP_SIZE);
}

// --- Supervisor panels ----------------------------------------------------------------------

type WeekStatus = { checkin: 'submitted' | 'due' | 'overdue' | 'no-placement'; lowWellbeing: boolean };

/** This week's check-in of each student (few: a supervisor's students). */
export async function thisWeekStatus(
  services: Services,
  tenantId: string,
  people: PersonDoc[],
  cohorts: Map<string, CohortDoc>,
  now: Date,
): Promise<Map<string, WeekStatus> & { available: boolean }> {
  const result = new Map() as Map<string, WeekStatus> & { available: boolean };
  const spec = registered('checkins');
  result.available = !!spec;
  if (!spec || people.length === 0) return result;
  const docs = await aggregate<{ studentId: string; week: number; wellbeing: number }>(
    services,
    spec,
    tenantId,
    [
      { $match: { studentId: { $in: people.map((p) => p._id) } } },
      { $project: { _id: 0, studentId: 1, week: 1, 'answers.wellbeing': 1 } },
    ],
  ).then((rows) =>
    rows.map((r) => ({
      studentId: r.studentId,
      week: r.week,
      wellbeing: Number((r as unknown as { answers?: { wellbeing?: number } }).answers?.wellbeing),
    })),
  );
  const pausesSpec = registered('checkinPauses');
  const pauseDocs = pausesSpec
    ? await scoped(services, pausesSpec, tenantId)
        .find(
          { studentId: { $in: people.map((p) => p._id) } },
          { projection: { studentId: 1, from: 1, to: 1 } },
        )
        .toArray()
    : [];
  for (const p of people) {
    const cohort = p.cohortId ? cohorts.get(p.cohortId) : undefined;
    const week = cohort ? placementWeekOf(cohort, now)?.week : undefined;
    if (!cohort || !week) {
      result.set(p._id, { checkin: 'no-placement', lowWellbeing: false });
      continue;
    }
    const mine = docs.filter((d) => d.studentId === p._id);
    const current = mine.find((d) => d.week === week);
    const latest = mine.sort((a, b) => b.week - a.week)[0];
    const pauses = pauseDocs
      .filter((d) => d.studentId === p._id)
      .map((d) => ({ from: d.from as string, to: d.to as string }));
    const due = dueInstantForWeek(cohort, week, pauses, p.timeZone ?? cohort.timeZone);
    result.set(p._id, {
      checkin: current
        ? 'submitted'
        : !due
          ? 'no-placement'
          : now.getTime() > due.getTime()
            ? 'overdue'
            : 'due',
      lowWellbeing: !!latest && latest.wellbeing <= LOW_WELLBEING,
    });
  }
  return result;
}

/** Each student's mean confidence (over the five areas) per week, from their check-ins. */
export async function confidenceTrends(
  services: Services,
  tenantId: string,
  people: PersonDoc[],
): Promise<Panel<ConfidenceTrend[]>> {
  const spec = registered('checkins');
  if (!spec) return notSetUp(CHECKINS);
  const docs = await aggregate<{ studentId: string; week: number; confidence: Record<string, number> }>(
    services,
    spec,
    tenantId,
    [
      { $match: { studentId: { $in: people.map((p) => p._id) } } },
      { $project: { _id: 0, studentId: 1, week: 1, 'answers.confidence': 1 } },
      { $sort: { week: 1 } },
    ],
  ).then((rows) =>
    rows.map((r) => ({
      ...r,
      confidence:
        (r as unknown as { answers?: { confidence?: Record<string, number> } }).answers?.confidence ?? {},
    })),
  );
  if (docs.length === 0) return empty('No check-ins yet: confidence ratings come from the weekly check-in.');
  const trends = people
    .map((p) => ({
      studentId: p._id,
      name: p.displayName,
      points: docs
        .filter((d) => d.studentId === p._id && d.confidence)
        .map((d) => {
          const values = AREAS.map((a) => d.confidence[a]).filter((v): v is number => typeof v === 'number');
          return {
            week: d.week,
            mean: values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : 0,
          };
        })
        .sort((a, b) => a.week - b.week),
    }))
    .filter((t) => t.points.length > 0);
  return ok(trends);
}

export async function awaitingFeedback(
  services: Services,
  tenantId: string,
  students: PersonDoc[],
  supervisorId: string,
): Promise<Panel<AwaitingFeedbackRow[]>> {
  const spec = registered('reflections');
  const feedbackSpec = registered('reflectionFeedback');
  if (!spec || !feedbackSpec) return notSetUp(REFLECTIONS);
  const shared = await aggregate<{ _id: string; personId: string; sharedAt: Date | null; pillars: string[] }>(
    services,
    spec,
    tenantId,
    [
      { $match: { personId: { $in: students.map((s) => s._id) }, shared: true } },
      { $project: { personId: 1, sharedAt: 1, pillars: 1 } },
    ],
  );
  if (shared.length === 0) return ok([]);
  const answered = new Set(
    (
      await aggregate<{ reflectionId: string }>(services, feedbackSpec, tenantId, [
        { $match: { reflectionId: { $in: shared.map((r) => r._id) }, supervisorId } },
        { $project: { _id: 0, reflectionId: 1 } },
      ])
    ).map((f) => f.reflectionId),
  );
  const names = new Map(students.map((s) => [s._id, s.displayName]));
  return ok(
    shared
      .filter((r) => !answered.has(r._id))
      .map((r) => ({
        reflectionId: r._id,
        studentId: r.personId,
        studentName: names.get(r.personId) ?? '',
        sharedAt: new Date(r.sharedAt ?? 0).toISOString(),
        pillars: (r.pillars ?? []).map((p) => labelOf(PILLARS, p) ?? p),
      }))
      .sort((a, b) => a.sharedAt.localeCompare(b.sharedAt)),
  );
}

export async function supervisionSessions(
  services: Services,
  tenantId: string,
  people: PersonDoc[],
): Promise<Panel<SessionRow[]>> {
  const spec = registered('supervisionSessions');
  if (!spec) return notSetUp('Supervision records');
  const docs = await aggregate<{ studentId: string; date: string }>(services, spec, tenantId, [
    { $match: { studentId: { $in: people.map((p) => p._id) } } },
    { $project: { _id: 0, studentId: 1, date: 1 } },
  ]);
  return ok(
    people.map((p) => {
      const mine = docs
        .filter((d) => d.studentId === p._id)
        .map((d) => d.date)
        .sort();
      return {
        studentId: p._id,
        studentName: p.displayName,
        sessions: mine.length,
        lastAt: mine.length ? `${mine[mine.length - 1]}T12:00:00Z` : null,
      };
    }),
  );
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

/** A student's own 20-minute conversations: held, booked, and the upcoming ones. */
export async function conversationsOf(
  services: Services,
  tenantId: string,
  personId: string,
  now: Date,
): Promise<Panel<{ held: number; booked: number; upcoming: BookingRow[] }>> {
  const spec = registered('conversationBookings');
  if (!spec) return notSetUp(CONVERSATIONS);
  const rows = await aggregate<{ startsAt: Date; profession: string; roleType: string; state: string }>(
    services,
    spec,
    tenantId,
    [
      { $match: { studentId: personId, state: { $in: ['held', 'booked'] } } },
      { $project: { _id: 0, startsAt: 1, profession: 1, roleType: 1, state: 1 } },
      { $sort: { startsAt: 1 } },
    ],
  );
  if (rows.length === 0)
    return empty(
      'No 20-minute conversations yet. Type "book a conversation" to the bot to meet an AHP in a role you have not met.',
    );
  return ok({
    held: rows.filter((r) => r.state === 'held').length,
    booked: rows.filter((r) => r.state === 'booked').length,
    upcoming: rows
      .filter((r) => r.state === 'booked' && new Date(r.startsAt).getTime() >= now.getTime())
      .map((r) => ({
        startsAt: new Date(r.startsAt).toISOString(),
        hostProfession: r.profession,
        hostRoleType: r.roleType,
      })),
  });
}

/** Whether the learning-journey export (reflections feature) is available on this service. */
export function exportAvailable(): boolean {
  return !!registered('reflections');
}
