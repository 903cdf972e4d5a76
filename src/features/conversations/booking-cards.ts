/**
 * The student's booking card (hosts suggested for them, with their next free times) and the
 * card to move a booking to another time with the same host.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import {
  isOfferedByDefault,
  listDays,
  slotDayLabel,
  type SlotDayContext,
} from '../../domain/conversation-days.js';
import { hostFitsWish, hostWishText, type HostWish } from '../../domain/host-wish.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { freeSlots, SLOTS_PER_HOST, suggestions } from './availability.js';
import { booksForSelf, STUDENTS_ONLY, type ConversationDeps } from './conversation-deps.js';
import type { BookingDoc, SlotDoc } from './conversations-repository.js';
import { viewInput } from './input.js';
import { slotDays, zoneOf } from './time-zones.js';

/** How the student's booking card is shown: what a refresh or a retry keeps. */
export interface BookingView {
  includeMet?: boolean;
  /** Also offer times on clinical days, study days, bank holidays and outside the placement. */
  showAll?: boolean;
  /** The question typed so far, put back into the box. */
  question?: string;
  questionError?: string;
  message?: string;
  tone?: 'good' | 'attention';
  /** Who the student asked for in their own words: only the hosts who fit, when any do. */
  wish?: HostWish | null;
}

export function whereText(host: AhpHostDoc): string {
  if (host.onlineLink)
    return host.location.toLowerCase() === 'online' ? 'Online' : `${host.location} or online`;
  return host.location;
}

export async function bookingCard(
  deps: ConversationDeps,
  tenantId: string,
  student: PersonDoc,
  options: BookingView = {},
  known?: SlotDayContext,
): Promise<AdaptiveCard | string> {
  if (!booksForSelf(student)) return STUDENTS_ONLY;
  const days = known ?? (await slotDays(deps, tenantId, student));
  const { zone, calendar } = days;
  const includeMet = options.includeMet ?? false;
  const showAll = options.showAll === true || calendar === null;
  const { ranked: all, hidden } = await suggestions(
    deps,
    tenantId,
    student,
    includeMet,
    showAll ? undefined : days,
  );
  const wish = options.wish ?? null;
  const fitting = wish ? all.filter((r) => hostFitsWish(r.host, wish)) : all;
  const ranked = fitting.length > 0 ? fitting : all;
  const wishMessage = !wish
    ? ''
    : fitting.length > 0
      ? `Hosts for “${hostWishText(wish)}”, as you asked. Type **book a conversation** to see everyone.`
      : `No host for “${hostWishText(wish)}” has a free time just now, so here is everyone who has.`;
  const upcoming = (await deps.conversations.byStudent(tenantId, student._id)).filter(
    (b) => b.state === 'booked' && b.endsAt.getTime() > deps.clock.now().getTime(),
  );
  const hostNames = await namesOf(
    deps,
    tenantId,
    upcoming.map((b) => b.hostId),
  );
  const leadershipDays = calendar ? listDays(calendar.leadershipDays) : '';
  const hiddenText = hidden === 1 ? '1 other time is hidden.' : `${hidden} other times are hidden.`;
  const dayNote = !calendar
    ? ''
    : showAll
      ? 'Showing all times, including your clinical days and days off placement.'
      : `Showing times on your leadership days (${leadershipDays}) during your placement.${hidden > 0 ? ` ${hiddenText}` : ''}`;
  const nothingHere = includeMet ? 'No host has a free slot' : 'No new host has a free slot';
  const emptyText = !showAll
    ? `${nothingHere} on your leadership days in the next four weeks. Tap "Show all times" to see the rest.`
    : includeMet
      ? 'No host has a free slot in the next four weeks. Please check again soon.'
      : 'No new host has a free slot in the next four weeks. Tick "Include people I\'ve met" to see everyone.';
  return deps.cards.render('conversation-book', {
    title: 'Book a 20-minute conversation',
    message: options.message ?? wishMessage,
    messageColor: options.tone === 'good' ? 'Good' : options.tone === 'attention' ? 'Attention' : 'Default',
    zoneNote: `Times are shown in ${zone}. Hosts are suggested so you meet professions and roles you haven't met yet.`,
    dayNote,
    canToggleDays: calendar !== null,
    showAll: showAll ? 'true' : 'false',
    toggleTitle: showAll ? 'Show leadership days only' : 'Show all times',
    toggleShowAll: showAll ? 'false' : 'true',
    askQuestion: true,
    question: options.question ?? '',
    questionError: options.questionError ?? '',
    includeMet: includeMet ? 'true' : 'false',
    hosts: ranked.map((r) => ({
      name: r.host.doc.displayName,
      headline: `${r.host.profession} · ${r.host.roleType}`,
      reason: r.reason,
      where: whereText(r.host.doc),
      bio: r.host.doc.bio,
      slots: r.host.free
        .slice(0, SLOTS_PER_HOST)
        .map((f) => slotAction(f.slot, zone, '', showAll ? days : undefined)),
    })),
    hasHosts: ranked.length > 0,
    emptyText,
    upcoming: upcoming.map((b) => ({
      bookingId: b._id,
      text: `${formatLocal(b.startsAt, zone)} with ${hostNames.get(b.hostId) ?? 'your host'}`,
    })),
    hasUpcoming: upcoming.length > 0,
  });
}

/** The card verb `conv.browse`: the booking card in the view asked for (toggles, refresh). */
export async function browse(
  deps: ConversationDeps,
  tenantId: string,
  student: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const view = viewInput.safeParse(data ?? {});
  const v = view.success ? view.data : {};
  return bookingCard(deps, tenantId, student, {
    includeMet: v.includeMet === 'true',
    showAll: v.showAll === 'true',
    question: v.question ?? '',
  });
}

/** A slot button; with `days` (the "Show all times" view) it names a day that is not a leadership day. */
function slotAction(slot: SlotDoc, zone: string, replacing: string, days?: SlotDayContext) {
  const label = days ? slotDayLabel(slot.startsAt, days) : '';
  return {
    title: `${formatLocal(slot.startsAt, zone)}${label ? ` · ${label}` : ''}`,
    slotId: slot._id,
    hostId: slot.hostId,
    startsAt: slot.startsAt.toISOString(),
    replacing,
    showAll: days ? 'true' : 'false',
  };
}

async function namesOf(
  deps: ConversationDeps,
  tenantId: string,
  hostIds: string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(hostIds)) {
    const h = await deps.ahpHosts.byId(tenantId, id);
    if (h) names.set(id, h.displayName);
  }
  return names;
}

/**
 * The booking card again, with a message on top (why the last action did not book), in
 * the view the student was in and with their question kept. A slot that is not on a
 * leadership day could only have been picked under "Show all times", so that view stays.
 */
export async function retryCard(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  message: string,
  data: unknown,
  replacing?: BookingDoc,
  questionError = '',
) {
  if (replacing) return rescheduleCard(deps, tenantId, actor, replacing, message);
  const view = viewInput.safeParse(data ?? {});
  const v = view.success ? view.data : {};
  const startsAt = Date.parse(String((data as { startsAt?: unknown } | null)?.startsAt ?? ''));
  const days = await slotDays(deps, tenantId, actor);
  const pickedElsewhere = !Number.isNaN(startsAt) && !isOfferedByDefault(new Date(startsAt), days);
  return bookingCard(
    deps,
    tenantId,
    actor,
    {
      message,
      tone: 'attention',
      includeMet: v.includeMet === 'true',
      showAll: v.showAll === 'true' || pickedElsewhere,
      question: v.question ?? '',
      questionError,
    },
    days,
  );
}

/** Every free time with the host; for the student, times off their leadership days are labelled. */
export async function rescheduleCard(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  booking: BookingDoc,
  message: string,
) {
  const days = actor._id === booking.studentId ? await slotDays(deps, tenantId, actor) : undefined;
  const zone = days?.zone ?? (await zoneOf(deps, tenantId, actor));
  const host = await deps.ahpHosts.byId(tenantId, booking.hostId);
  const { free } = await freeSlots(deps, tenantId, { hostId: booking.hostId, hosts: host ? [host] : [] });
  const slots = (free.get(booking.hostId) ?? []).slice(0, 8);
  return deps.cards.render('conversation-book', {
    title: `Move your conversation (${formatLocal(booking.startsAt, zone)})`,
    message,
    messageColor: message ? 'Attention' : 'Default',
    zoneNote: `Times are shown in ${zone}. Pick a new time with ${host?.displayName ?? 'the host'}; the old time is freed once the new one is booked.`,
    dayNote: '',
    canToggleDays: false,
    showAll: 'true',
    toggleTitle: '',
    toggleShowAll: 'true',
    askQuestion: false,
    question: '',
    questionError: '',
    includeMet: 'true',
    hosts: host
      ? [
          {
            name: host.displayName,
            headline: `${host.profession} · ${host.roleType}`,
            reason: '',
            where: whereText(host),
            bio: '',
            slots: slots.map((f) => slotAction(f.slot, zone, booking._id, days)),
          },
        ]
      : [],
    hasHosts: slots.length > 0,
    emptyText: 'There are no other free times with this host in the next four weeks.',
    upcoming: [],
    hasUpcoming: false,
  });
}
