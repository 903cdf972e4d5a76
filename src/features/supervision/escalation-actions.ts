/**
 * What the placement lead can do from an escalation card: see its current state (the card's
 * refresh, `escalation.view`), mark it handled (`escalation.handle`: the first lead's mark
 * stands, settled by a claim; the supervisors are told), and pause the student's check-ins
 * (`escalation.pause`: the pause form, with the student chosen). Messaging the student or the
 * supervisor are Teams chat links on the card itself (escalation-card.ts).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { escalationCardData, handledText } from './escalation-card.js';
import { episodeText } from './escalations.js';
import type { EscalationDoc } from './supervision-repository.js';
import type { SupervisionDeps } from './supervision-deps.js';

export const ESCALATION_REFUSED = 'Escalation cards are for the placement lead of the student’s cohort.';

/** "Placement lead alerted: has missed … · Handled by Wendy Marsh, Tue 18 Feb, 10:00." */
export function escalationLine(e: EscalationDoc, names: Map<string, string>, zone: string): string {
  const base = `Placement lead alerted: ${episodeText({ kind: e.kind, startWeek: e.startWeek, weeks: e.weeks })}`;
  return e.handledBy && e.handledAt
    ? `${base} · ${handledText(names.get(e.handledBy) ?? 'the placement lead', new Date(e.handledAt), zone)}.`
    : `${base}.`;
}

/** The names of whoever handled these escalations (one read). */
export async function handlerNames(
  s: Pick<SupervisionDeps, 'people'>,
  tenantId: string,
  escalations: EscalationDoc[],
) {
  const ids = [...new Set(escalations.map((e) => e.handledBy).filter((id): id is string => !!id))];
  const people = ids.length ? await s.people.byIds(tenantId, ids) : [];
  return new Map(people.map((p) => [p._id, p.displayName]));
}

export class EscalationActions {
  constructor(private readonly s: SupervisionDeps) {}

  private async authorise(tenantId: string, viewer: PersonDoc, data: unknown, action: string) {
    const raw = (data as { escalationId?: unknown } | null)?.escalationId;
    const doc =
      typeof raw === 'string' && raw.length < 400 ? await this.s.repo.escalationById(tenantId, raw) : null;
    if (doc && can(viewer, 'supervision.escalation.receive', { cohortId: doc.cohortId })) return doc;
    await this.s.audit.record(
      tenantId,
      { actorId: viewer._id, action, targetId: doc?.studentId ?? null, outcome: 'refused' },
      this.s.clock.now(),
    );
    return null;
  }

  private async card(
    tenantId: string,
    viewer: PersonDoc,
    doc: EscalationDoc,
    notice = '',
  ): Promise<AdaptiveCard | string> {
    const [student, cohort, supervisorIds] = await Promise.all([
      this.s.people.byId(tenantId, doc.studentId),
      this.s.cohorts.byId(tenantId, doc.cohortId),
      this.s.supervisions.supervisorIdsOf(tenantId, doc.studentId),
    ]);
    if (!student || !cohort) return 'This student is no longer on the cohort.';
    const people = await this.s.people.byIds(tenantId, [
      ...supervisorIds,
      ...(doc.handledBy ? [doc.handledBy] : []),
    ]);
    const handler = people.find((p) => p._id === doc.handledBy);
    return this.s.cards.render(
      'supervision-escalation',
      escalationCardData({
        escalationId: doc._id,
        episode: doc,
        student,
        cohort,
        supervisors: people.filter((p) => supervisorIds.includes(p._id)),
        handledBy: doc.handledBy ? (handler?.displayName ?? 'a placement lead') : null,
        handledAt: doc.handledAt ? new Date(doc.handledAt) : null,
        zone: viewer.timeZone ?? cohort.timeZone,
        notice,
      }),
    );
  }

  async view(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const doc = await this.authorise(tenantId, viewer, data, 'supervision.escalation.view');
    return doc ? this.card(tenantId, viewer, doc) : ESCALATION_REFUSED;
  }

  /**
   * The escalation as the winner of the handled claim records it. A second press a moment after
   * the first (a double-click) loses the claim before the winner has written who handled it, so
   * it waits briefly for that write rather than show "Not handled yet".
   */
  private async onceHandled<T extends { _id: string; handledBy?: string | null }>(tenantId: string, doc: T) {
    let current = doc;
    for (let tries = 0; tries < 20; tries++) {
      current = ((await this.s.repo.escalationById(tenantId, doc._id)) as T | null) ?? current;
      if (current.handledBy) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return current;
  }

  async handle(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const doc = await this.authorise(tenantId, viewer, data, 'supervision.escalation.handle');
    if (!doc) return ESCALATION_REFUSED;
    const now = this.s.clock.now();
    if (!(await this.s.claims.take('supervision.escalation.handled', doc._id))) {
      return this.card(
        tenantId,
        viewer,
        await this.onceHandled(tenantId, doc),
        'It was already marked handled.',
      );
    }
    await this.s.repo.markHandled(tenantId, doc._id, viewer._id, now);
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'supervision.escalation.handle',
        targetId: doc.studentId,
        details: { kind: doc.kind },
      },
      now,
    );
    const [student, supervisorIds] = await Promise.all([
      this.s.people.byId(tenantId, doc.studentId),
      this.s.supervisions.supervisorIdsOf(tenantId, doc.studentId),
    ]);
    if (student)
      await this.s.outbox.enqueue(
        tenantId,
        supervisorIds.map((supId) => ({
          dedupeKey: `supervision.escalation.handled|${doc._id}|${supId}`,
          purpose: 'supervision.escalation.handled',
          target: { kind: 'person' as const, personId: supId },
          activity: this.s.cards.activity(
            'notice',
            {
              title: `${viewer.displayName} has handled ${student.displayName}'s escalation`,
              message: `${student.displayName} ${episodeText(doc)}. ${viewer.displayName} (placement lead) marked it handled.`,
            },
            `Escalation handled: ${student.displayName}`,
          ),
        })),
        now,
      );
    const updated = (await this.s.repo.escalationById(tenantId, doc._id)) ?? doc;
    return this.card(tenantId, viewer, updated, 'Marked handled; the supervisor has been told.');
  }

  /** The pause form with the student chosen (sent below the escalation card by the route). */
  async pauseForm(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const doc = await this.authorise(tenantId, viewer, data, 'supervision.escalation.pause');
    if (!doc) return ESCALATION_REFUSED;
    return this.s.checkins.pauseCard(tenantId, viewer, '', { studentId: doc.studentId });
  }
}
