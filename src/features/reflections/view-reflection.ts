/**
 * Reading reflections: one reflection as its author, a supervisor it was shared with, or a
 * fellow student sees it; `my reflections`; and `shared reflections` for a supervisor.
 */
import { can } from '../../domain/authorization.js';
import { labelOf, PILLARS, REFLECTION_TOPICS } from '../../domain/catalogues.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { sharedText, type PeerAudience } from './peer-audience.js';
import type { PeerCards } from './peer-cards.js';
import type { ReflectionAccess } from './reflection-access.js';
import { listCardData } from './reflection-cards.js';
import {
  newNonce,
  sopList,
  STUDENTS_ONLY,
  titleOf,
  writesOwn,
  zoneOf,
  type ReflectionDeps,
} from './reflection-deps.js';
import { FEEDBACK_MAX_LENGTH, formatCount, readerTitle, reflectionModel } from './reflection-models.js';

export interface ViewOptions {
  notice?: string;
  error?: string;
  confirmDelete?: boolean;
  feedbackDraft?: string;
  replyDraft?: string;
}

export class ViewReflection {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'config' | 'cards' | 'people' | 'supervisions' | 'repo'>,
    private readonly access: ReflectionAccess,
    private readonly audience: PeerAudience,
    private readonly peerCards: PeerCards,
  ) {}

  async view(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    return this.viewCard(tenantId, person, cardData(data).reflectionId);
  }

  /** The reflection as `person` may see it, or NOT_FOUND (audited). */
  async viewCard(
    tenantId: string,
    person: PersonDoc,
    id: unknown,
    options: ViewOptions = {},
  ): Promise<Reply> {
    const found = await this.access.readable(tenantId, person, id);
    if (!found) return this.access.refuse(tenantId, person, 'reflection.view', id);
    const { reflection: r, as } = found;
    if (as === 'peer') return this.peerCards.peerCard(tenantId, person, r, options);
    const model = reflectionModel(r.model);
    const author = as === 'owner' ? person : await this.deps.people.byId(tenantId, r.personId);
    const zone = zoneOf(this.deps, person);
    const feedback = await this.deps.repo.feedbackOn(tenantId, [r._id]);
    const authors = await this.deps.people.byIds(tenantId, [...new Set(feedback.map((f) => f.supervisorId))]);
    const nameOf = (pid: string) => authors.find((a) => a._id === pid)?.displayName ?? 'A supervisor';
    return this.deps.cards.render('reflection-view', {
      reflectionId: r._id,
      studentId: r.personId,
      title: titleOf(r, zone),
      byline: as === 'supervisor' ? `Shared by ${author?.displayName ?? 'your student'}` : '',
      modelLabel: model.label,
      sections: model.steps
        .filter((s) => (r.answers[s.key] ?? '') !== '')
        .map((s) => ({
          title: as === 'owner' ? s.title : readerTitle(s, author?.displayName),
          text: r.answers[s.key]!,
        })),
      pillarsText: r.pillars.map((p) => labelOf(PILLARS, p) ?? p).join(', '),
      standardsText: sopList(r.standards),
      topicText: labelOf(REFLECTION_TOPICS, r.topic) ?? r.topic,
      sharedText: sharedText(r),
      ...(as === 'owner'
        ? await this.audience.ownerViewData(tenantId, person, r)
        : { peerShare: 'none', peerChoices: [], peerReplies: [], hasPeerReplies: false }),
      isOwner: as === 'owner',
      isSupervisor: as === 'supervisor',
      shared: r.shared,
      feedback: feedback.map((f) => ({
        from: nameOf(f.supervisorId),
        date: formatDate(localDateOf(f.createdAt, zone)),
        text: f.text,
      })),
      hasFeedback: feedback.length > 0,
      nonce: newNonce(),
      feedbackDraft: options.feedbackDraft ?? '',
      feedbackLabel: `Your feedback (up to ${formatCount(FEEDBACK_MAX_LENGTH)} characters)`,
      feedbackMax: FEEDBACK_MAX_LENGTH,
      confirmDelete: options.confirmDelete === true,
      notice: options.notice ?? '',
      error: options.error ?? '',
    });
  }

  /** `my reflections`: the student's reflections, newest first. */
  async listCard(tenantId: string, person: PersonDoc): Promise<Reply> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const all = (await this.deps.repo.reflectionsOf(tenantId, person._id)).reverse();
    const zone = zoneOf(this.deps, person);
    return this.deps.cards.render(
      'reflection-list',
      listCardData(
        'Your reflections',
        all.length > 20 ? `Your 20 most recent of ${all.length} reflections.` : '',
        all.slice(0, 20).map((r) => ({
          reflectionId: r._id,
          title: titleOf(r, zone),
          subtitle: [reflectionModel(r.model).label, r.shared ? 'shared' : 'private', sopList(r.standards)]
            .filter(Boolean)
            .join(' · '),
        })),
      ),
    );
  }

  /** `shared reflections`: what a supervisor's students have shared with them. */
  async sharedListCard(tenantId: string, person: PersonDoc): Promise<Reply> {
    if (!person.roles.includes('supervisor'))
      return 'Only supervisors can see reflections their students shared.';
    const studentIds = await this.deps.supervisions.studentIdsOf(tenantId, person._id);
    // The caller's own links stand in for each author's supervisors (the rule asks only
    // whether the caller is among them).
    const shared = (studentIds.length ? await this.deps.repo.sharedBy(tenantId, studentIds) : []).filter(
      (r) =>
        can(person, 'reflection.shared.view', {
          studentId: r.personId,
          supervisorIds: [person._id],
          shared: r.shared,
        }),
    );
    const students = await this.deps.people.byIds(tenantId, [...new Set(shared.map((r) => r.personId))]);
    const zone = zoneOf(this.deps, person);
    return this.deps.cards.render(
      'reflection-list',
      listCardData(
        'Reflections shared with you',
        shared.length > 20 ? `The 20 most recently shared of ${shared.length}.` : '',
        shared.slice(0, 20).map((r) => ({
          reflectionId: r._id,
          title: `${students.find((s) => s._id === r.personId)?.displayName ?? 'A student'}: ${titleOf(r, zone)}`,
          subtitle: sopList(r.standards),
        })),
      ),
    );
  }
}
