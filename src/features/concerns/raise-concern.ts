/**
 * Raise a concern: the form (from `raise a concern` or the support answer's button) and its
 * submit. The concern goes to its receivers as a card through the outbox; an anonymous
 * sender's id is kept only in the sealed mapping (concerns-repository.ts), never on the
 * concern, the receivers' cards, their outbox items or the audit log.
 */
import { randomUUID } from 'node:crypto';
import { parseCardInput } from '../../feature-kit/card-input.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { concernCardData, receiverLabels } from './concern-cards.js';
import { longDate, nameList, namesOn, type ConcernDeps } from './concern-deps.js';
import { ConcernInput, CONCERN_TOPICS, TOPIC_LABELS } from './concern-input.js';
import { cohortIdsOf, concernReceivers, receiverLabel, supervisorsOf } from './concern-receivers.js';
import { concernId, type ConcernDoc } from './concerns-repository.js';
import { chatLink } from '../../feature-kit/chat-link.js';

type Values = { topic: string; text: string; anonymous: boolean; tellSupervisor: boolean };

export class RaiseConcern {
  constructor(private readonly d: ConcernDeps) {}

  /** The form's data (cards/concern-form.json). */
  async formData(tenantId: string, person: PersonDoc, values?: Values, error = '', requestId?: string) {
    const receivers = await concernReceivers(this.d, tenantId, person, false);
    const supervisors = await supervisorsOf(this.d, tenantId, person);
    const guardians = await this.d.hosts.guardians(tenantId);
    return {
      requestId: requestId ?? randomUUID(),
      error,
      topics: CONCERN_TOPICS.map((value) => ({ title: TOPIC_LABELS[value], value })),
      values: {
        topic: values?.topic ?? '',
        text: values?.text ?? '',
        anonymous: values?.anonymous ? 'true' : 'false',
        tellSupervisor: values?.tellSupervisor ? 'true' : 'false',
      },
      receivers:
        receivers.length > 0
          ? `It will go to ${nameList(receivers.map(receiverLabel))}.`
          : 'It will go to the placement administrators.',
      canTellSupervisor: supervisors.length > 0,
      safetyNote:
        supervisors.length > 0
          ? 'If anyone is in danger now, call 999. Your supervisor is not told unless you tick the box above.'
          : 'If anyone is in danger now, call 999.',
      supervisorToggle: `Also tell ${nameList(supervisors.map((s) => s.displayName))} (your supervisor${supervisors.length > 1 ? 's' : ''})`,
      direct: guardians
        .filter((g) => g.email && g.email !== person.email)
        .slice(0, 2)
        .map((g) => ({ title: `Message ${g.displayName} directly`, url: chatLink(g.email) })),
    };
  }

  /** The form's submit: stores the concern and sends it to its receivers. */
  async submit(tenantId: string, person: PersonDoc, data: unknown) {
    const now = this.d.clock.now();
    const typed = data as Partial<Record<keyof Values | 'requestId', unknown>> | null;
    const values: Values = {
      topic: typeof typed?.topic === 'string' ? typed.topic : '',
      text: typeof typed?.text === 'string' ? typed.text : '',
      anonymous: typed?.anonymous === true || typed?.anonymous === 'true',
      tellSupervisor: typed?.tellSupervisor === true || typed?.tellSupervisor === 'true',
    };
    const requestId = typeof typed?.requestId === 'string' ? typed.requestId : undefined;
    const form = (error: string) =>
      this.formData(tenantId, person, values, error, requestId).then((f) =>
        this.d.cards.render('concern-form', f),
      );
    if (!can(person, 'concern.raise', { personId: person._id })) return 'You cannot raise a concern here.';
    const input = parseCardInput(ConcernInput, data);
    if (!input.ok) {
      const error = input.errors.topic
        ? 'Please choose what the concern is about.'
        : input.errors.text
          ? `Please say what happened (${input.errors.text.toLowerCase()}).`
          : 'Some answers could not be read. Please check the form and send it again.';
      return form(error);
    }
    const v = input.value;
    const receivers = await concernReceivers(this.d, tenantId, person, v.tellSupervisor);
    if (receivers.length === 0)
      return 'There is nobody set up to receive concerns yet. Please contact the Freedom to Speak Up guardian on the trust intranet.';
    const cohortId = cohortIdsOf(person)[0] ?? null;
    const concern: ConcernDoc = {
      _id: concernId(tenantId, v.requestId),
      tenantId,
      senderId: v.anonymous ? null : person._id,
      senderName: v.anonymous ? '' : person.displayName,
      anonymous: v.anonymous,
      cohortId,
      topic: v.topic,
      text: v.text,
      receiverIds: receivers.map((r) => r.person._id),
      receiverRoles: receivers.map((r) => r.role),
      supervisorCopied: v.tellSupervisor && receivers.some((r) => r.role === 'your supervisor'),
      acknowledgedBy: null,
      acknowledgedAt: null,
      replies: [],
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.d.repo.insert(concern, v.anonymous ? person._id : null);
    const stored = inserted ? concern : ((await this.d.repo.byId(tenantId, concern._id)) ?? concern);
    const names = await namesOn(this.d, tenantId, stored);
    if (inserted) {
      const cohort = cohortId ? await this.d.cohorts.byId(tenantId, cohortId) : null;
      const summary = v.anonymous
        ? 'An anonymous concern has been raised with you'
        : `${person.displayName} has raised a concern with you`;
      await this.d.outbox.enqueue(
        tenantId,
        receivers.map((r) => ({
          dedupeKey: `concern.received|${concern._id}|${r.person._id}`,
          purpose: 'concern.received',
          target: { kind: 'person' as const, personId: r.person._id },
          activity: this.d.cards.activity(
            'concern-received',
            concernCardData(concern, { cohortName: cohort?.name ?? '', names, zone: cohort?.timeZone }),
            summary,
          ),
        })),
        now,
      );
      // Anonymous: no actor. The audit log never links the sender to the concern.
      await this.d.audit.record(
        tenantId,
        {
          actorId: v.anonymous ? null : person._id,
          action: 'concern.raise',
          targetId: concern._id,
          details: {
            anonymous: v.anonymous,
            topic: v.topic,
            receivers: receivers.length,
            supervisorCopied: concern.supervisorCopied,
          },
        },
        now,
      );
    }
    return this.d.cards.render('notice', {
      title: 'Thank you for raising this',
      message: [
        `Your concern was sent on ${longDate(stored.createdAt)} to ${nameList(receiverLabels(stored, names))}.`,
        stored.anonymous
          ? "It is anonymous: they can't see who you are. When they reply, the reply comes to you here."
          : 'They can see your name and will reply to you here.',
        stored.supervisorCopied || (await supervisorsOf(this.d, tenantId, person)).length === 0
          ? ''
          : 'Your supervisor has not been told.',
        'If anyone is in danger now, call 999.',
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
}
