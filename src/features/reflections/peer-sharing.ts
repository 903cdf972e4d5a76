/**
 * Peer reflection: a student may also share a reflection with their peer group, their
 * project team or their cohort (opt-in, private by default, revocable). Peers read it and
 * reply with a short comment. Who the peers are is worked out when they look (the project's
 * student members, or the cohort's students, without the author), so a revoked share, a member
 * who left the team or a share changed from cohort to project is gone from every peer view at
 * once. The notifications peers got are deleted from their chats when the share is revoked
 * (outbox delete items), and the peer card refreshes to "no longer shared" (Universal Actions).
 *
 * Reflective workshop: the lead posts a prompt to the cohort's channel (outbox); each
 * student's "Reply as a reflection" is stored as that student's private reflection.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import { CURRENT_HCPC_CATALOGUE } from '../../domain/hcpc-standards.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import { formatZodIssues, safeText } from '../../domain/validation.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CoreServices } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { channelKey } from '../../storage/conversation-references-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { reflectionTitle } from './journey-export.js';
import { formatCount, FREE_MAX_LENGTH, reflectionModel } from './reflection-models.js';
import {
  PEER_GROUPS,
  reflectionId as makeReflectionId,
  type PeerGroup,
  type ReflectionDoc,
  type ReflectionsRepository,
} from './reflections-repository.js';

export const PEER_REPLY_MAX = 500;
export const WORKSHOP_PROMPT_MAX = 1000;
export const NO_LONGER_SHARED = 'This reflection is no longer shared with you.';
const GROUP_LABEL: Record<PeerGroup, string> = { project: 'your project team', cohort: 'your cohort' };

/** What peer sharing needs from the projects feature (services.projects). */
export interface ProjectTeams {
  projectOfStudent(
    tenantId: string,
    studentId: string,
    cohortId: string,
  ): Promise<{ _id: string; title: string } | null>;
  membersOf(tenantId: string, projectId: string): Promise<{ studentIds: string[] } | null>;
}

export type PeerDeps = Pick<
  CoreServices,
  'clock' | 'config' | 'cards' | 'people' | 'cohorts' | 'outbox' | 'audit'
>;

const newNonce = () => randomBytes(12).toString('base64url');
const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);
const nonce = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'Please open the card again and retry');
const cardId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\s$]+$/);

export const peerShareInput = z.object({
  reflectionId: cardId,
  peerShare: z.enum(['none', ...PEER_GROUPS], { errorMap: () => ({ message: 'Choose who to share with' }) }),
});
export const peerReplyInput = z.object({
  reflectionId: cardId,
  nonce,
  reply: safeText(PEER_REPLY_MAX, { min: 1 }),
});
export const workshopInput = z.object({
  requestId: nonce,
  cohortId: cardId,
  prompt: safeText(WORKSHOP_PROMPT_MAX, { min: 1 }),
});
export const workshopReplyInput = z.object({
  workshopId: cardId,
  reply: safeText(FREE_MAX_LENGTH, { min: 1 }),
});

export const peerBatchOf = (reflectionId: string, sharedAt: Date) =>
  `reflection.peer:${hash(reflectionId)}:${sharedAt.getTime()}`;
export const workshopId = (tenantId: string, requestId: string) =>
  tenantDocId(tenantId, 'rworkshop', requestId);

export class PeerSharing {
  constructor(
    private readonly s: PeerDeps,
    private readonly repo: ReflectionsRepository,
    private readonly projects: () => Partial<ProjectTeams> | undefined,
  ) {}

  private now() {
    return this.s.clock.now();
  }

  private zone(person: PersonDoc) {
    return person.timeZone ?? this.s.config.DEFAULT_TIME_ZONE;
  }

  /** The author's project on their cohort, when the projects feature is there. */
  async projectOf(tenantId: string, author: Pick<PersonDoc, '_id' | 'cohortId'>) {
    const source = this.projects();
    if (!author.cohortId || typeof source?.projectOfStudent !== 'function') return null;
    return source.projectOfStudent(tenantId, author._id, author.cohortId);
  }

  /** The fellow students the reflection is shared with now ([] when it is not shared with peers). */
  async peerIdsOf(tenantId: string, reflection: ReflectionDoc): Promise<string[]> {
    if (!reflection.peerShare || !reflection.cohortId) return [];
    let ids: string[];
    if (reflection.peerShare === 'project') {
      const project = await this.projectOf(tenantId, {
        _id: reflection.personId,
        cohortId: reflection.cohortId,
      });
      const members = project ? await this.projects()?.membersOf?.(tenantId, project._id) : null;
      ids = members?.studentIds ?? [];
    } else {
      ids = (await this.s.people.inCohort(tenantId, reflection.cohortId, 'student')).map((p) => p._id);
    }
    return ids.filter((id) => id !== reflection.personId);
  }

  async target(tenantId: string, reflection: ReflectionDoc): Promise<Target> {
    return {
      studentId: reflection.personId,
      cohortId: reflection.cohortId,
      peerIds: await this.peerIdsOf(tenantId, reflection),
    };
  }

  /** Data for the author's own view: who it is shared with, the choice, peers' replies. */
  async ownerViewData(tenantId: string, author: PersonDoc, r: ReflectionDoc) {
    const project = await this.projectOf(tenantId, author);
    const replies = await this.repliesData(tenantId, author, r._id);
    const choices = [
      { title: 'No fellow students', value: 'none' },
      ...(project ? [{ title: `My project team (${project.title})`, value: 'project' }] : []),
      { title: 'My cohort', value: 'cohort' },
    ];
    return {
      peerShare: r.peerShare ?? 'none',
      peerChoices: choices,
      peerReplies: replies,
      hasPeerReplies: replies.length > 0,
    };
  }

  /** "Shared with your supervisors and your project team", for the author. */
  sharedText(r: ReflectionDoc): string {
    const groups = [
      r.shared ? 'your supervisors' : null,
      r.peerShare ? GROUP_LABEL[r.peerShare] : null,
    ].filter(Boolean);
    return groups.length ? `Shared with ${groups.join(' and ')}` : 'Private to you';
  }

  /** Who it was shared with, for the export ("supervisors", "project team"). */
  sharedWith(r: ReflectionDoc): string[] {
    return [
      r.shared ? 'supervisors' : null,
      r.peerShare === 'project' ? 'project team' : r.peerShare === 'cohort' ? 'cohort' : null,
    ].filter((x): x is string => x !== null);
  }

  private async repliesData(tenantId: string, viewer: PersonDoc, reflectionId: string) {
    const replies = await this.repo.peerRepliesOn(tenantId, reflectionId);
    const people = await this.s.people.byIds(tenantId, [...new Set(replies.map((r) => r.replierId))]);
    const zone = this.zone(viewer);
    return replies.map((r) => ({
      from: people.find((p) => p._id === r.replierId)?.displayName ?? 'A fellow student',
      date: formatDate(localDateOf(r.createdAt, zone)),
      text: r.text,
    }));
  }

  /**
   * The author changes who among their peers sees it: nobody, their project team or their
   * cohort. Peers newly sharing it are told once; a revoke (or a change of group) deletes those
   * notifications from their chats. Returns the notice (or an error) for the author's card.
   */
  async setShare(
    tenantId: string,
    author: PersonDoc,
    r: ReflectionDoc,
    data: unknown,
  ): Promise<{ notice?: string; error?: string }> {
    const parsed = peerShareInput.safeParse(data);
    if (!parsed.success) return { error: Object.values(formatZodIssues(parsed.error)).join(' ') };
    const wanted = parsed.data.peerShare === 'none' ? null : parsed.data.peerShare;
    const current = r.peerShare ?? null;
    if (wanted === current)
      return {
        notice: wanted ? `Already shared with ${GROUP_LABEL[wanted]}.` : 'Not shared with fellow students.',
      };
    if (wanted === 'project' && !(await this.projectOf(tenantId, author)))
      return { error: 'You are not on a project yet, so there is no project team to share with.' };
    if (wanted && !author.cohortId)
      return { error: 'You are not on a cohort, so there is no one to share with.' };
    const now = this.now();
    if (current && r.peerSharedAt) await this.withdrawNotifications(tenantId, r._id, r.peerSharedAt);
    await this.repo.updateReflection(
      tenantId,
      r._id,
      { peerShare: wanted, peerSharedAt: wanted ? now : null },
      now,
    );
    await this.s.audit.record(
      tenantId,
      {
        actorId: author._id,
        action: wanted ? 'reflection.peer.share' : 'reflection.peer.unshare',
        targetId: r._id,
        details: { group: wanted ?? 'none' },
      },
      now,
    );
    if (!wanted) return { notice: 'No longer shared with fellow students: it is gone from their view.' };
    const updated = { ...r, peerShare: wanted, peerSharedAt: now };
    const peers = await this.peerIdsOf(tenantId, updated);
    const title = reflectionTitle({ ...r, week: null, feedback: [] }, this.zone(author));
    await this.s.outbox.enqueue(
      tenantId,
      peers.map((personId) => ({
        dedupeKey: `${peerBatchOf(r._id, now)}:${personId}`,
        purpose: 'reflection.peer.shared',
        batchId: peerBatchOf(r._id, now),
        target: { kind: 'person' as const, personId },
        activity: this.s.cards.activity(
          'reflection-list',
          {
            title: `A reflection from ${GROUP_LABEL[wanted]}`,
            intro: `${author.displayName} shared a reflection with ${GROUP_LABEL[wanted]}. You can read it and reply.`,
            items: [{ reflectionId: r._id, title, subtitle: reflectionModel(r.model).label }],
            empty: false,
          },
          'A reflection was shared with you',
        ),
      })),
      now,
    );
    return {
      notice: `Shared with ${GROUP_LABEL[wanted]} (${peers.length} ${peers.length === 1 ? 'student' : 'students'}). You can stop sharing at any time.`,
    };
  }

  /** Cancels notifications not sent yet and deletes delivered ones from the peers' chats. */
  private async withdrawNotifications(tenantId: string, reflectionId: string, sharedAt: Date) {
    const items = (await this.s.outbox.byBatch(tenantId, peerBatchOf(reflectionId, sharedAt))).filter(
      (i) => i.op === 'send',
    );
    const deletes: EnqueueRequest[] = [];
    for (const item of items) {
      if (['failed', 'unreachable', 'cancelled'].includes(item.state)) continue;
      if (item.state === 'pending' && (await this.s.outbox.cancelIfPending(tenantId, item._id, this.now())))
        continue;
      deletes.push({
        dedupeKey: `${peerBatchOf(reflectionId, sharedAt)}:withdraw:${item._id}`,
        purpose: 'reflection.peer.withdrawn',
        op: 'delete',
        originalItemId: item._id,
        target: item.target,
      });
    }
    await this.s.outbox.enqueue(tenantId, deletes, this.now());
  }

  /** A peer's view: the reflection with its author, replies and a reply box; refreshes in place. */
  async peerCard(
    tenantId: string,
    viewer: PersonDoc,
    r: ReflectionDoc,
    options: { notice?: string; error?: string; replyDraft?: string } = {},
  ): Promise<AdaptiveCard> {
    const author = await this.s.people.byId(tenantId, r.personId);
    const model = reflectionModel(r.model);
    const replies = await this.repliesData(tenantId, viewer, r._id);
    return this.s.cards.render('reflection-peer', {
      gone: false,
      goneText: '',
      reflectionId: r._id,
      title: reflectionTitle({ ...r, week: null, feedback: [] }, this.zone(viewer)),
      byline: `Shared with ${r.peerShare ? GROUP_LABEL[r.peerShare] : 'you'} by ${author?.displayName ?? 'a fellow student'}`,
      sections: model.steps
        .filter((step) => (r.answers[step.key] ?? '') !== '')
        .map((step) => ({ title: step.title, text: r.answers[step.key]! })),
      replies,
      hasReplies: replies.length > 0,
      nonce: newNonce(),
      replyDraft: options.replyDraft ?? '',
      replyLabel: `Reply to ${author?.displayName.split(' ')[0] ?? 'them'} (up to ${formatCount(PEER_REPLY_MAX)} characters)`,
      replyMax: PEER_REPLY_MAX,
      notice: options.notice ?? '',
      error: options.error ?? '',
    });
  }

  /** What a peer sees once it is not (or never was) shared with them: no content at all. */
  goneCard(reflectionId: unknown): AdaptiveCard {
    return this.s.cards.render('reflection-peer', {
      gone: true,
      goneText: NO_LONGER_SHARED,
      reflectionId: typeof reflectionId === 'string' && reflectionId.length <= 300 ? reflectionId : '',
      title: 'Reflection',
      byline: '',
      sections: [],
      replies: [],
      hasReplies: false,
      nonce: '',
      replyDraft: '',
      replyLabel: 'Reply',
      replyMax: PEER_REPLY_MAX,
      notice: '',
      error: '',
    });
  }

  /** A peer's short reply (once per card nonce); the author is told. */
  async reply(tenantId: string, replier: PersonDoc, r: ReflectionDoc, data: unknown): Promise<AdaptiveCard> {
    const raw = (data ?? {}) as Record<string, unknown>;
    const parsed = peerReplyInput.safeParse(raw);
    if (!parsed.success)
      return this.peerCard(tenantId, replier, r, {
        error: Object.values(formatZodIssues(parsed.error)).join(' '),
        replyDraft: typeof raw.reply === 'string' ? raw.reply.slice(0, PEER_REPLY_MAX) : '',
      });
    const now = this.now();
    const id = `${r._id}|peer|${replier._id}|${parsed.data.nonce}`;
    const inserted = await this.repo.addPeerReply(tenantId, {
      _id: id,
      reflectionId: r._id,
      authorId: r.personId,
      replierId: replier._id,
      text: parsed.data.reply,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await this.s.audit.record(
        tenantId,
        { actorId: replier._id, action: 'reflection.peer.reply', targetId: r._id },
        now,
      );
      const author = await this.s.people.byId(tenantId, r.personId);
      await this.s.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.peer.reply|${hash(id)}`,
            purpose: 'reflection.peer.reply',
            target: { kind: 'person', personId: r.personId },
            activity: this.s.cards.activity(
              'reflection-list',
              {
                title: 'A reply to your reflection',
                intro: `${replier.displayName} replied to a reflection you shared with fellow students.`,
                items: [
                  {
                    reflectionId: r._id,
                    title: reflectionTitle(
                      { ...r, week: null, feedback: [] },
                      author ? this.zone(author) : this.s.config.DEFAULT_TIME_ZONE,
                    ),
                    subtitle: 'Open it to read the reply.',
                  },
                ],
                empty: false,
              },
              'A reply to your reflection',
            ),
          },
        ],
        now,
      );
    }
    return this.peerCard(tenantId, replier, r, { notice: 'Reply sent.' });
  }

  /** `peer reflections`: what fellow students shared with the caller. */
  async sharedWithMe(
    tenantId: string,
    viewer: PersonDoc,
  ): Promise<{ reflection: ReflectionDoc; author: string }[]> {
    if (!viewer.cohortId) return [];
    const candidates = (await this.repo.peerSharedIn(tenantId, viewer.cohortId)).filter(
      (r) => r.personId !== viewer._id,
    );
    const visible: ReflectionDoc[] = [];
    for (const r of candidates)
      if (can(viewer, 'reflection.peer.view', await this.target(tenantId, r))) visible.push(r);
    const authors = await this.s.people.byIds(tenantId, [...new Set(visible.map((r) => r.personId))]);
    return visible.map((r) => ({
      reflection: r,
      author: authors.find((a) => a._id === r.personId)?.displayName ?? 'A fellow student',
    }));
  }

  // ------------------------------------------------------------------ reflective workshop

  async workshopCohorts(tenantId: string, lead: PersonDoc): Promise<CohortDoc[]> {
    return (await this.s.cohorts.all(tenantId)).filter((c) =>
      can(lead, 'reflection.workshop.post', { cohortId: c._id }),
    );
  }

  async workshopComposeCard(
    tenantId: string,
    lead: PersonDoc,
    options: {
      channelId?: string | null;
      values?: Record<string, string>;
      errors?: Record<string, string>;
    } = {},
  ): Promise<AdaptiveCard | string> {
    let cohorts = await this.workshopCohorts(tenantId, lead);
    if (options.channelId) {
      const here = await this.s.cohorts.byChannel(tenantId, options.channelId);
      cohorts = here ? cohorts.filter((c) => c._id === here._id) : [];
    }
    if (cohorts.length === 0)
      return 'Reflective workshops are posted by a cohort’s placement lead, to the cohort’s linked channel.';
    const errors = options.errors ?? {};
    const values = options.values ?? {};
    return this.s.cards.render('reflection-workshop-compose', {
      requestId: newNonce(),
      cohortChoices: cohorts.map((c) => ({
        title: c.teamsChannelId ? c.name : `${c.name} (no channel linked yet)`,
        value: c._id,
      })),
      cohortId: values.cohortId ?? cohorts[0]!._id,
      prompt: values.prompt ?? '',
      promptLabel: `Prompt for the workshop (up to ${formatCount(WORKSHOP_PROMPT_MAX)} characters)`,
      promptMax: WORKSHOP_PROMPT_MAX,
      formError:
        errors._form ??
        (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was posted.' : ''),
      errors: { cohortId: errors.cohortId ?? '', prompt: errors.prompt ?? '' },
      notice: '',
    });
  }

  /** Posts the prompt to the cohort's channel through the outbox (once per request). */
  async postWorkshop(tenantId: string, lead: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const raw = (data ?? {}) as Record<string, unknown>;
    const values = {
      cohortId: typeof raw.cohortId === 'string' ? raw.cohortId : '',
      prompt: typeof raw.prompt === 'string' ? raw.prompt.slice(0, WORKSHOP_PROMPT_MAX) : '',
    };
    const cohort = isTenantId(values.cohortId, tenantId)
      ? await this.s.cohorts.byId(tenantId, values.cohortId)
      : null;
    if (!cohort || !can(lead, 'reflection.workshop.post', { cohortId: cohort._id })) {
      await this.s.audit.record(
        tenantId,
        { actorId: lead._id, action: 'reflection.workshop.post', targetId: null, outcome: 'refused' },
        this.now(),
      );
      return 'Only the placement lead of that cohort (or an administrator) can post a reflective workshop to it.';
    }
    const parsed = workshopInput.safeParse(raw);
    if (!parsed.success)
      return this.workshopComposeCard(tenantId, lead, { values, errors: formatZodIssues(parsed.error) });
    if (!cohort.teamsChannelId)
      return this.workshopComposeCard(tenantId, lead, {
        values,
        errors: {
          cohortId: 'This cohort has no linked channel yet: type **link cohort** in its channel first.',
        },
      });
    const id = workshopId(tenantId, parsed.data.requestId);
    const now = this.now();
    const inserted = await this.repo.insertWorkshop(tenantId, {
      _id: id,
      cohortId: cohort._id,
      prompt: parsed.data.prompt,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await this.s.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.workshop|${id}`,
            purpose: 'reflection.workshop',
            target: { kind: 'conversation', key: channelKey(cohort.teamsChannelId) },
            activity: this.s.cards.activity(
              'reflection-workshop',
              this.workshopCardData(id, parsed.data.prompt, {}),
              'Reflective workshop',
            ),
          },
        ],
        now,
      );
      await this.s.audit.record(
        tenantId,
        { actorId: lead._id, action: 'reflection.workshop.post', targetId: id },
        now,
      );
    }
    return this.s.cards.render('notice', {
      title: 'Workshop prompt posted',
      message: `Posted to the ${cohort.name} channel. Each student’s reply is saved as their own private reflection.`,
    });
  }

  workshopCardData(id: string, prompt: string, options: { error?: string; reply?: string; done?: string }) {
    return {
      workshopId: id,
      prompt,
      replyLabel: `Your reflection (private to you unless you share it; up to ${formatCount(FREE_MAX_LENGTH)} characters)`,
      replyMax: FREE_MAX_LENGTH,
      reply: options.reply ?? '',
      error: options.error ?? '',
      done: options.done ?? '',
    };
  }

  /** A student's "Reply as a reflection": stored once per student and workshop, private. */
  async replyToWorkshop(tenantId: string, student: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const raw = (data ?? {}) as Record<string, unknown>;
    const id =
      typeof raw.workshopId === 'string' && isTenantId(raw.workshopId, tenantId) ? raw.workshopId : null;
    const workshop = id ? await this.repo.workshop(tenantId, id) : null;
    if (!workshop || !can(student, 'reflection.workshop.reply', { cohortId: workshop.cohortId })) {
      await this.s.audit.record(
        tenantId,
        { actorId: student._id, action: 'reflection.workshop.reply', targetId: id, outcome: 'refused' },
        this.now(),
      );
      return 'Only students of this cohort can reply to its workshop prompt.';
    }
    const parsed = workshopReplyInput.safeParse(raw);
    if (!parsed.success)
      return this.s.cards.render(
        'reflection-workshop',
        this.workshopCardData(workshop._id, workshop.prompt, {
          error: Object.values(formatZodIssues(parsed.error)).join(' '),
          reply: typeof raw.reply === 'string' ? raw.reply.slice(0, FREE_MAX_LENGTH) : '',
        }),
      );
    const now = this.now();
    const flowId = `workshop-${hash(workshop._id)}`;
    const inserted = await this.repo.insertReflection(tenantId, {
      _id: makeReflectionId(tenantId, student._id, flowId),
      personId: student._id,
      cohortId: student.cohortId,
      flowId,
      model: 'free',
      answers: { text: parsed.data.reply },
      linkId: null,
      workshopId: workshop._id,
      standards: [],
      pillars: [],
      topic: 'workshop',
      standardsVersion: CURRENT_HCPC_CATALOGUE.version,
      shared: false,
      sharedAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted)
      await this.s.audit.record(
        tenantId,
        { actorId: student._id, action: 'reflection.workshop.reply', targetId: workshop._id },
        now,
      );
    return this.s.cards.render(
      'reflection-workshop',
      this.workshopCardData(workshop._id, workshop.prompt, {
        done: inserted
          ? 'Saved as your own private reflection. Type **my reflections** in your chat with me to tag, share or edit it.'
          : 'You already replied to this prompt: your reflection is in **my reflections**.',
      }),
    );
  }
}
