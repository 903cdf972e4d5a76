/**
 * Reflective workshop: the lead posts a prompt to the cohort's channel (outbox); each student's
 * "Reply as a reflection" is stored as that student's own private reflection.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { currentCohort } from '../../domain/current-cohort.js';
import { CURRENT_HCPC_CATALOGUE } from '../../domain/hcpc-standards.js';
import { formatZodIssues } from '../../domain/validation.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { hash, newNonce, type ReflectionDeps } from './reflection-deps.js';
import { WORKSHOP_PROMPT_MAX, workshopInput, workshopReplyInput } from './reflection-input.js';
import { formatCount, FREE_MAX_LENGTH } from './reflection-models.js';
import { reflectionId as makeReflectionId } from './reflections-repository.js';

export const workshopId = (tenantId: string, requestId: string) =>
  tenantDocId(tenantId, 'rworkshop', requestId);

export class ReflectiveWorkshop {
  constructor(
    private readonly deps: Pick<
      ReflectionDeps,
      'clock' | 'cards' | 'cohorts' | 'references' | 'outbox' | 'audit' | 'repo'
    >,
  ) {}

  private async workshopCohorts(tenantId: string, lead: PersonDoc): Promise<CohortDoc[]> {
    return (await this.deps.cohorts.all(tenantId)).filter((c) =>
      can(lead, 'reflection.workshop.post', { cohortId: c._id }),
    );
  }

  /** `reflective workshop`: in a cohort's channel, that cohort only; in personal chat, every cohort the lead may post to. */
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
      const here = await this.deps.cohorts.byChannel(tenantId, options.channelId);
      cohorts = here ? cohorts.filter((c) => c._id === here._id) : [];
    }
    if (cohorts.length === 0)
      return 'Reflective workshops are posted by a cohort’s placement lead, to the cohort’s linked channel.';
    const errors = options.errors ?? {};
    const values = options.values ?? {};
    return this.deps.cards.render('reflection-workshop-compose', {
      requestId: newNonce(),
      cohortChoices: cohorts.map((c) => ({
        title: c.teamsChannelId ? c.name : `${c.name} (no channel linked yet)`,
        value: c._id,
      })),
      cohortId: values.cohortId ?? currentCohort(cohorts, this.deps.clock.now())?._id ?? cohorts[0]!._id,
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
  async postWorkshop(
    tenantId: string,
    lead: PersonDoc,
    data: unknown,
    /** The turn's Bot Connector address: reaches a channel linked in the roster but never spoken in. */
    address: { serviceUrl?: string | null; bot?: { id: string; name?: string } | null } = {},
  ): Promise<AdaptiveCard | string> {
    const raw = (data ?? {}) as Record<string, unknown>;
    const values = {
      cohortId: typeof raw.cohortId === 'string' ? raw.cohortId : '',
      prompt: typeof raw.prompt === 'string' ? raw.prompt.slice(0, WORKSHOP_PROMPT_MAX) : '',
    };
    const cohort = isTenantId(values.cohortId, tenantId)
      ? await this.deps.cohorts.byId(tenantId, values.cohortId)
      : null;
    if (!cohort || !can(lead, 'reflection.workshop.post', { cohortId: cohort._id })) {
      await this.deps.audit.record(
        tenantId,
        { actorId: lead._id, action: 'reflection.workshop.post', targetId: null, outcome: 'refused' },
        this.deps.clock.now(),
      );
      return 'Only the placement lead of that cohort (or an administrator) can post a reflective workshop to it.';
    }
    const parsed = workshopInput.safeParse(raw);
    if (!parsed.success)
      return this.workshopComposeCard(tenantId, lead, { values, errors: formatZodIssues(parsed.error) });
    const now = this.deps.clock.now();
    // One truth for "linked": the cohort's channel id, from `link cohort` or the roster.
    const channel = cohort.teamsChannelId
      ? await this.deps.references.ensureChannel(
          tenantId,
          cohort.teamsChannelId,
          { serviceUrl: cohort.serviceUrl || address.serviceUrl, bot: address.bot },
          now,
        )
      : null;
    if (!channel)
      return this.workshopComposeCard(tenantId, lead, {
        values,
        errors: {
          cohortId: 'This cohort has no linked channel yet: type **link cohort** in its channel first.',
        },
      });
    const id = workshopId(tenantId, parsed.data.requestId);
    const inserted = await this.deps.repo.insertWorkshop(tenantId, {
      _id: id,
      cohortId: cohort._id,
      prompt: parsed.data.prompt,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await this.deps.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.workshop|${id}`,
            purpose: 'reflection.workshop',
            target: { kind: 'conversation', key: channel },
            activity: this.deps.cards.activity(
              'reflection-workshop',
              workshopCardData(id, parsed.data.prompt, {}),
              'Reflective workshop',
            ),
          },
        ],
        now,
      );
      await this.deps.audit.record(
        tenantId,
        { actorId: lead._id, action: 'reflection.workshop.post', targetId: id },
        now,
      );
    }
    return this.deps.cards.render('notice', {
      title: 'Workshop prompt posted',
      message: `Posted to the ${cohort.name} channel. Each student’s reply is saved as their own private reflection.`,
    });
  }

  /** A student's "Reply as a reflection": stored once per student and workshop, private. */
  async replyToWorkshop(tenantId: string, student: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const raw = (data ?? {}) as Record<string, unknown>;
    const id =
      typeof raw.workshopId === 'string' && isTenantId(raw.workshopId, tenantId) ? raw.workshopId : null;
    const workshop = id ? await this.deps.repo.workshop(tenantId, id) : null;
    if (!workshop || !can(student, 'reflection.workshop.reply', { cohortId: workshop.cohortId })) {
      await this.deps.audit.record(
        tenantId,
        { actorId: student._id, action: 'reflection.workshop.reply', targetId: id, outcome: 'refused' },
        this.deps.clock.now(),
      );
      return 'Only students of this cohort can reply to its workshop prompt.';
    }
    const parsed = workshopReplyInput.safeParse(raw);
    if (!parsed.success)
      return this.deps.cards.render(
        'reflection-workshop',
        workshopCardData(workshop._id, workshop.prompt, {
          error: Object.values(formatZodIssues(parsed.error)).join(' '),
          reply: typeof raw.reply === 'string' ? raw.reply.slice(0, FREE_MAX_LENGTH) : '',
        }),
      );
    const now = this.deps.clock.now();
    const flowId = `workshop-${hash(workshop._id)}`;
    const inserted = await this.deps.repo.insertReflection(tenantId, {
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
      await this.deps.audit.record(
        tenantId,
        { actorId: student._id, action: 'reflection.workshop.reply', targetId: workshop._id },
        now,
      );
    return this.deps.cards.render(
      'reflection-workshop',
      workshopCardData(workshop._id, workshop.prompt, {
        done: inserted
          ? 'Saved as your own private reflection. Type **my reflections** in your chat with me to tag, share or edit it.'
          : 'You already replied to this prompt: your reflection is in **my reflections**.',
      }),
    );
  }
}

function workshopCardData(
  id: string,
  prompt: string,
  options: { error?: string; reply?: string; done?: string },
) {
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
