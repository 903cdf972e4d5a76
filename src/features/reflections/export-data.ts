/**
 * What the learning-journey export shows, already filtered for its audience:
 * - the student: everything they wrote, and the evidence other features keep about them
 *   (supervisor comments and countersignatures on check-ins, supervision sessions and agreed
 *   actions, confidence, conversations, project, events); their check-in narratives only when
 *   they chose to include them;
 * - an assessor the student shared with: the same, but only the reflections the student shared
 *   with their supervisors (private ones stay private);
 * - a supervisor: only the reflections the student shared with them.
 * Other features are read through ports.ts only.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { JourneyExportData } from './journey-document.js';
import { journeySummary, reflectionWeek } from './journey.js';
import type { MyJourney } from './my-journey.js';
import { sharedWith } from './peer-audience.js';
import { hash, type ReflectionDeps } from './reflection-deps.js';

export type ExportDataDeps = Pick<
  ReflectionDeps,
  | 'config'
  | 'people'
  | 'repo'
  | 'confidenceTrends'
  | 'conversationsHeld'
  | 'projectJourneys'
  | 'eventsAttended'
  | 'checkinRecords'
  | 'supervisionRecords'
  | 'concernsRaised'
>;

export interface ExportDataOptions {
  /** An assessor's read-only view (their name or email). */
  assessor?: string;
  /** The student chose to include their check-in narratives. */
  includeCheckins?: boolean;
}

export async function loadExportData(
  deps: ExportDataDeps,
  journey: MyJourney,
  tenantId: string,
  requester: PersonDoc,
  subject: PersonDoc,
  now: Date,
  options: ExportDataOptions = {},
): Promise<JourneyExportData> {
  const audience =
    options.assessor !== undefined ? 'assessor' : requester._id === subject._id ? 'student' : 'supervisor';
  const all = await deps.repo.reflectionsOf(tenantId, subject._id);
  const visible = audience === 'student' ? all : all.filter((r) => r.shared);
  const calendar = await journey.calendarOf(tenantId, subject);
  const feedback = await deps.repo.feedbackOn(
    tenantId,
    visible.map((r) => r._id),
  );
  // What other features keep goes into the student's own export and an assessor's view.
  const evidence = audience !== 'supervisor';
  const checkins = evidence ? await deps.checkinRecords().checkinRecordsOf(tenantId, subject._id) : null;
  const supervision = evidence
    ? await deps.supervisionRecords().supervisionRecordOf(tenantId, subject._id)
    : null;
  const people = await deps.people.byIds(tenantId, [
    ...new Set([
      ...feedback.map((f) => f.supervisorId),
      ...(checkins ?? []).flatMap((c) => [
        ...c.comments.map((m) => m.authorId),
        ...(c.countersignedBy ? [c.countersignedBy] : []),
      ]),
      ...(supervision?.sessions ?? []).map((s) => s.recordedBy),
    ]),
  ]);
  const nameOf = (id: string, otherwise: string) =>
    people.find((p) => p._id === id)?.displayName ?? otherwise;
  const includeNarrative = options.includeCheckins === true;
  return {
    student: {
      displayName: subject.displayName,
      profession: subject.profession,
      cohortName: calendar?.name ?? null,
    },
    audience,
    ...(options.assessor !== undefined ? { assessor: options.assessor } : {}),
    generatedAt: now,
    timeZone: subject.timeZone ?? calendar?.timeZone ?? deps.config.DEFAULT_TIME_ZONE,
    reflections: visible.map((r) => ({
      key: hash(r._id),
      createdAt: r.createdAt,
      week: calendar ? reflectionWeek(calendar, r.createdAt) : null,
      model: r.model,
      answers: r.answers,
      pillars: r.pillars,
      standards: r.standards,
      standardsVersion: r.standardsVersion,
      topic: r.topic,
      shared: r.shared,
      sharedWith: sharedWith(r),
      feedback: feedback
        .filter((f) => f.reflectionId === r._id)
        .map((f) => ({ from: nameOf(f.supervisorId, 'Supervisor'), text: f.text, at: f.createdAt })),
    })),
    summary: journeySummary(visible, calendar, now),
    confidence: evidence ? await deps.confidenceTrends().confidenceTrend(tenantId, subject._id) : null,
    conversations: evidence ? await deps.conversationsHeld().heldBy(tenantId, subject._id) : null,
    project: evidence ? ((await deps.projectJourneys().journeyOf(tenantId, subject._id)) ?? 'none') : null,
    events: evidence ? await deps.eventsAttended().attendedBy(tenantId, subject._id) : null,
    checkins:
      checkins &&
      checkins.map((c) => ({
        week: c.week,
        submittedAt: c.submittedAt,
        narrative: includeNarrative ? c.narrative : null,
        comments: c.comments.map((m) => ({ from: nameOf(m.authorId, 'Supervisor'), text: m.text, at: m.at })),
        countersigned:
          c.countersignedBy && c.countersignedAt
            ? { by: nameOf(c.countersignedBy, 'Supervisor'), at: c.countersignedAt }
            : null,
      })),
    // Only in the student's own export, and only those raised with their name.
    concerns:
      audience === 'student' && deps.concernsRaised
        ? await deps.concernsRaised().namedConcernsOf(tenantId, subject._id)
        : null,
    supervision: supervision && {
      sessions: supervision.sessions.map((s) => ({ ...s, recordedBy: nameOf(s.recordedBy, 'Supervisor') })),
      actions: supervision.actions,
    },
  };
}
