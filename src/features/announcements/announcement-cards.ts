/**
 * The announcement cards: view data in, Adaptive Card out (templates in cards/). Nothing here
 * reads storage; the use cases gather what a card shows.
 */
import { DateTime } from 'luxon';
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import { currentCohort } from '../../domain/current-cohort.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { AnnouncementContent, AnnouncementDoc } from './announcements-repository.js';

export type CardOrText = AdaptiveCard | string;

/** The cohorts a composer may choose from, and the one fixed by where they asked (or their only one). */
export interface CohortChoice {
  cohorts: CohortDoc[];
  fixed: CohortDoc | null;
}

/** The compose card's inputs, each of which can carry an error message back to the card. */
const COMPOSE_FIELDS = ['cohortId', 'title', 'body', 'linkUrl', 'imageUrl', 'target', 'sendDate', 'sendTime'];

const HEADINGS: Record<AnnouncementDoc['state'], string> = {
  draft: 'Draft',
  scheduled: 'Announcement scheduled',
  sending: 'Sending the announcement…',
  sent: 'Announcement sent',
  cancelled: 'Scheduled send cancelled',
  recalled: 'Announcement recalled',
};

export function composeCard(
  cards: Cards,
  choice: CohortChoice,
  values: Record<string, string>,
  errors: Record<string, string>,
  ctx: { zoneOf: (c: CohortDoc) => string; now: Date; draftId?: string },
): AdaptiveCard {
  const zones = [...new Set(choice.cohorts.map((c) => ctx.zoneOf(c)))];
  const selected =
    choice.cohorts.find((c) => c._id === values.cohortId) ??
    choice.fixed ??
    currentCohort(choice.cohorts, ctx.now) ??
    choice.cohorts[0]!;
  return cards.render('announcement-compose', {
    heading: 'New announcement',
    mode: 'new',
    formError: formError(errors),
    showCohortChoice: !choice.fixed,
    cohortChoices: choice.cohorts.map((c) => ({ title: `${c.name} (${ctx.zoneOf(c)})`, value: c._id })),
    cohortId: selected._id,
    cohortIdFixed: choice.fixed?._id ?? '',
    cohortName: selected.name,
    title: values.title ?? '',
    body: values.body ?? '',
    linkUrl: values.linkUrl ?? '',
    imageUrl: values.imageUrl ?? '',
    importance: values.importance || 'normal',
    ackRequired: values.ackRequired || 'true',
    target: values.target || 'both',
    when: values.when || 'now',
    sendDate: values.sendDate ?? '',
    sendTime: values.sendTime ?? '',
    zoneText: zones.length === 1 ? zones[0] : 'shown next to each cohort above',
    draftId: ctx.draftId ?? '',
    announcementId: '',
    ...errorFields(errors),
  });
}

export function editCard(
  cards: Cards,
  ann: AnnouncementDoc,
  values: Record<string, string>,
  errors: Record<string, string>,
): AdaptiveCard {
  return cards.render('announcement-compose', {
    heading: 'Edit the announcement (changes every copy already posted)',
    mode: 'edit',
    formError: formError(errors),
    showCohortChoice: false,
    cohortChoices: [],
    cohortId: ann.cohortId,
    cohortIdFixed: ann.cohortId,
    cohortName: '',
    title: values.title ?? '',
    body: values.body ?? '',
    linkUrl: values.linkUrl ?? '',
    imageUrl: values.imageUrl ?? '',
    importance: values.importance || 'normal',
    ackRequired: String(ann.content.ackRequired),
    target: ann.target,
    when: 'now',
    sendDate: '',
    sendTime: '',
    zoneText: ann.timeZone,
    draftId: '',
    announcementId: ann._id,
    ...errorFields(errors),
  });
}

export function previewCard(
  cards: Cards,
  ann: AnnouncementDoc,
  cohort: CohortDoc,
  audienceSize: number,
  reminderMinutes: number,
): AdaptiveCard {
  return cards.render('announcement-preview', {
    sendVerb: ann.sendAt ? 'schedule it' : 'send it',
    sendTitle: ann.sendAt ? 'Schedule' : 'Send now',
    urgent: ann.content.importance === 'urgent',
    title: ann.content.title,
    imageUrl: ann.content.imageUrl ?? '',
    body: ann.content.body,
    linkUrl: ann.content.linkUrl ?? '',
    facts: [
      { title: 'Cohort', value: cohort.name },
      { title: 'Send to', value: targetText(ann.target, audienceSize) },
      {
        title: 'When',
        value: ann.sendAt
          ? `${formatLocal(ann.sendAt, ann.timeZone)} (${ann.timeZone})`
          : 'As soon as you press Send',
      },
      {
        title: 'Acknowledgement',
        value: ann.content.ackRequired
          ? `Required; reminder to those who have not after ${durationText(reminderMinutes)}`
          : 'Not required',
      },
    ],
    announcementId: ann._id,
  });
}

export interface StatusView {
  announcementId: string;
  refreshUserIds: string[];
  state: AnnouncementDoc['state'];
  title: string;
  ackSummary: string;
  facts: { title: string; value: string }[];
  notAckedText: string;
  unreachableText: string;
  note: string;
  /** Sent or recalled: the per-recipient delivery report is there to see. */
  canReport: boolean;
  canEdit: boolean;
  canRecall: boolean;
  canCancel: boolean;
}

export function statusCard(cards: Cards, view: StatusView): AdaptiveCard {
  const { state, ...rest } = view;
  return cards.render('announcement-status', {
    announcementId: rest.announcementId,
    refreshUserIds: rest.refreshUserIds,
    heading: HEADINGS[state],
    title: rest.title,
    ackSummary: rest.ackSummary,
    facts: rest.facts,
    notAckedText: rest.notAckedText,
    unreachableText: rest.unreachableText,
    note: rest.note,
    canReport: rest.canReport,
    canEdit: rest.canEdit,
    canRecall: rest.canRecall,
    canCancel: rest.canCancel,
  });
}

export function recalledCard(cards: Cards, ann: AnnouncementDoc): AdaptiveCard {
  return cards.render('notice', {
    title: 'Announcement recalled',
    message: `"${ann.content.title}" was recalled by the placement team.`,
  });
}

export function listCard(
  cards: Cards,
  items: { announcementId: string; title: string; summary: string }[],
): AdaptiveCard {
  return cards.render('announcement-list', { items });
}

export function targetText(target: AnnouncementDoc['target'], audience: number): string {
  const people = `${audience} member${audience === 1 ? '' : 's'}`;
  if (target === 'channel') return `The cohort's channel (${people} asked to read it)`;
  if (target === 'members') return `Each of ${people} personally`;
  return `The cohort's channel and each of ${people} personally`;
}

export function channelStateText(state: string | null): string {
  if (state === 'sent') return 'Posted';
  if (state === 'pending' || state === 'sending') return 'Waiting to post';
  if (state === 'cancelled') return 'Not posted (cancelled)';
  return state ? `Not posted (${state})` : 'Not a target';
}

function durationText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The card without `$schema`: stored documents may not have keys starting with '$'. */
export function withoutSchema(card: AdaptiveCard): Record<string, unknown> {
  const { $schema: _schema, ...rest } = card as Record<string, unknown>;
  return rest;
}

function formError(errors: Record<string, string>): string {
  return errors._form ?? (Object.keys(errors).length ? 'Please correct the fields marked below.' : '');
}

function errorFields(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(COMPOSE_FIELDS.map((f) => [`${f}Error`, errors[f] ?? '']));
}

/** A sent announcement's content as the edit form's values. */
export function rawContent(c: AnnouncementContent): Record<string, string> {
  return {
    title: c.title,
    body: c.body,
    linkUrl: c.linkUrl ?? '',
    imageUrl: c.imageUrl ?? '',
    importance: c.importance,
  };
}

export function localParts(instant: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { date: local.toFormat('yyyy-MM-dd'), time: local.toFormat('HH:mm') };
}
