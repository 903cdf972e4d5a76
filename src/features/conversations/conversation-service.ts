/**
 * 20-minute conversations: hosts publish slots, students book them, both sides get
 * confirmations, reminders and follow-ups, leads see what their cohort covered.
 *
 * Every race is settled by an insert of a deterministic id (see conversations-repository.ts):
 * booking takes the slot hold, then one of the host-week's cap units; cancel, reschedule
 * and held / no-show first take the booking's final hold. Nothing here reads a state and
 * then writes on the strength of it.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { can } from '../../domain/authorization.js';
import {
  filterToLeadershipDays,
  isOfferedByDefault,
  listDays,
  slotDayLabel,
  type SlotDayContext,
} from '../../domain/conversation-days.js';
import { rankHosts, type HostCandidate, type StudentHistory } from '../../domain/conversation-matching.js';
import {
  formatDate,
  formatLocal,
  isIsoDate,
  isValidTimeZone,
  localDateOf,
  parseTime,
} from '../../domain/placement-calendar.js';
import {
  cardNumber,
  formatZodIssues,
  FORM_ERROR_KEY,
  rating,
  rejectMongoOperatorKeys,
  safeText,
  UnsafeKeyError,
} from '../../domain/validation.js';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import type { JobDoc, Scheduler } from '../../jobs/scheduler.js';
import type { Logger } from '../../logger.js';
import type { Outbox } from '../../proactive/outbox.js';
import { AhpHostsRepository, type AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import { AuditRepository } from '../../storage/audit-repository.js';
import { CohortsRepository } from '../../storage/cohorts-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import {
  capHoldId,
  ConversationsRepository,
  finalHoldId,
  slotHoldId,
  slotId as makeSlotId,
  type BookingDoc,
  type SlotDoc,
} from './conversations-repository.js';
import { SAME_DAY_HOST, takeDayHold } from './same-day-host.js';
import {
  BUFFER_CHOICES,
  buildIcs,
  isoWeekKey,
  MAX_REPEAT_WEEKS,
  MAX_SLOTS_PER_DAY,
  overlaps,
  planSlots,
  reminderInstants,
  SLOT_MINUTES,
} from './slot-planning.js';

export const JOB_REMINDER = 'conversations.reminder';
export const JOB_AFTER = 'conversations.after';
/** How far ahead students are offered slots. */
export const HORIZON_DAYS = 28;
export const HOSTS_ON_CARD = 5;
export const SLOTS_PER_HOST = 3;
/** Longest "What would you like to ask?" a student can send with a booking. */
export const QUESTION_MAX = 300;

export const JUST_TAKEN = 'That slot was just taken.';
export const HOST_FULL = 'That host has no more conversations left that week.';
const NOTHING_BOOKED = 'Nothing was booked.';

export type BookOutcome =
  | { status: 'booked'; booking: BookingDoc }
  | { status: 'taken' | 'full' | 'invalid'; message: string; errors?: Record<string, string> };

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
}

export interface ConversationDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  people: PeopleRepository;
  outbox: Outbox;
  scheduler: Scheduler;
}

/**
 * What this feature uses of a reflections service when one is present (services.reflections):
 * a "reflect now" card with the topic preselected and the booking id as its link. Duck-typed
 * so the two features stay independent; without it the student gets a note card instead.
 */
export interface LinkedReflectionPrompt {
  promptReflection(
    tenantId: string,
    personId: string,
    options: { topic: 'conversation'; linkId: string; message?: string; dedupeKey?: string },
  ): Promise<boolean>;
}

const bookInput = z.object({
  slotId: safeText(300, { min: 1 }),
  hostId: safeText(200, { min: 1 }),
  startsAt: safeText(40, { min: 1 }),
  replacing: safeText(200).optional(),
  question: safeText(QUESTION_MAX).optional(),
});
/** The card's view state that comes back with a submit; never refuses a booking. */
const viewInput = z.object({
  showAll: z.string().optional().catch(undefined),
  includeMet: z.string().optional().catch(undefined),
  question: z.string().max(5000).optional().catch(undefined),
});
const bookingRef = z.object({ bookingId: safeText(200, { min: 1 }) });
export const profileInput = z.object({
  bio: safeText(500, { min: 1 }),
  location: safeText(120, { min: 1 }),
  onlineLink: safeText(300)
    .refine((s) => s === '' || /^https:\/\/[^\s]+$/i.test(s), { message: 'Must be an https:// link' })
    .optional(),
  weeklyCap: rating(1, 20),
});
const publishInput = z.object({
  pubDate: safeText(10, { min: 1 }).refine(isIsoDate, { message: 'Enter a date as YYYY-MM-DD' }),
  pubTime: safeText(5, { min: 1 }).refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), {
    message: 'Enter a time as HH:mm',
  }),
  pubCount: rating(1, MAX_SLOTS_PER_DAY),
  pubBuffer: rating(0, 30).refine((n) => (BUFFER_CHOICES as readonly number[]).includes(n), {
    message: 'Choose a buffer from the list',
  }),
  pubWeeks: rating(1, MAX_REPEAT_WEEKS),
});
const blockInput = z.object({
  blockDate: safeText(10, { min: 1 }).refine(isIsoDate, { message: 'Enter a date as YYYY-MM-DD' }),
});
const noteInput = z.object({ bookingId: safeText(200, { min: 1 }), note: safeText(2000, { min: 1 }) });
const heldInput = z.object({ bookingId: safeText(200, { min: 1 }), rating: rating(1, 5).optional() });

/** Parses an untrusted card submit: operator keys and wrong types become field errors. */
function parse<T extends z.ZodTypeAny>(
  schema: T,
  data: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; errors: Record<string, string> } {
  try {
    rejectMongoOperatorKeys(data);
  } catch (err) {
    if (err instanceof UnsafeKeyError)
      return { ok: false, errors: { [FORM_ERROR_KEY]: 'That request was not valid.' } };
    throw err;
  }
  const result = schema.safeParse(data ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: formatZodIssues(result.error) };
}

/** Who may do what is the policy's (src/domain/authorization.ts); these name its questions. */
const booksForSelf = (p: PersonDoc) => can(p, 'conversation.book', { studentId: p._id });
const offersAsHost = (p: PersonDoc) => can(p, 'conversation.host.offer', { hostId: p._id });
const bookingTarget = (b: BookingDoc) => ({
  studentId: b.studentId,
  hostId: b.hostPersonId,
  cohortId: b.cohortId,
});

interface FreeSlot {
  slot: SlotDoc;
  weekKey: string;
}

export class ConversationService {
  readonly repo: ConversationsRepository;
  readonly hosts: AhpHostsRepository;
  private readonly cohorts: CohortsRepository;
  private readonly audit: AuditRepository;
  private readonly cards = new Cards();
  private reflections: LinkedReflectionPrompt | null = null;

  constructor(private readonly deps: ConversationDeps) {
    this.repo = new ConversationsRepository(deps.db);
    this.hosts = new AhpHostsRepository(deps.db);
    this.cohorts = new CohortsRepository(deps.db);
    this.audit = new AuditRepository(deps.db);
  }

  /** Wires the reflections capability when the service container has one. */
  useReflections(reflections: unknown): void {
    const candidate = reflections as LinkedReflectionPrompt | null | undefined;
    this.reflections = typeof candidate?.promptReflection === 'function' ? candidate : null;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  // ---------------------------------------------------------------------------------
  // Time zones
  // ---------------------------------------------------------------------------------

  /** person.timeZone ?? cohort timeZone ?? DEFAULT_TIME_ZONE (Europe/London). */
  async zoneOf(tenantId: string, person: Pick<PersonDoc, 'timeZone' | 'cohortId'> | null): Promise<string> {
    if (person?.timeZone && isValidTimeZone(person.timeZone)) return person.timeZone;
    if (person?.cohortId) {
      const cohort = await this.cohorts.byId(tenantId, person.cohortId);
      if (cohort?.timeZone && isValidTimeZone(cohort.timeZone)) return cohort.timeZone;
    }
    return this.deps.config.DEFAULT_TIME_ZONE;
  }

  private async hostZones(tenantId: string, hosts: AhpHostDoc[]): Promise<Map<string, string>> {
    const persons = await this.deps.people.byIds(
      tenantId,
      hosts.map((h) => h.personId),
    );
    const byId = new Map(persons.map((p) => [p._id, p]));
    const zones = new Map<string, string>();
    for (const h of hosts) zones.set(h._id, await this.zoneOf(tenantId, byId.get(h.personId) ?? null));
    return zones;
  }

  // ---------------------------------------------------------------------------------
  // Free slots and ranking
  // ---------------------------------------------------------------------------------

  /** Bookable slots per host id: open, in the future, not held, not blocked, week not full. */
  async freeSlots(tenantId: string, options: { hostId?: string; hosts?: AhpHostDoc[] } = {}) {
    const now = this.now();
    const hosts = options.hosts ?? (await this.hosts.active(tenantId));
    const hostById = new Map(hosts.filter((h) => h.active).map((h) => [h._id, h]));
    const horizon = new Date(now.getTime() + HORIZON_DAYS * 86_400_000);
    const slots = (await this.repo.openSlots(tenantId, now, horizon, options.hostId)).filter((s) =>
      hostById.has(s.hostId),
    );
    const [held, settings, zones] = await Promise.all([
      this.repo.heldSlotIds(
        tenantId,
        slots.map((s) => s._id),
      ),
      this.repo.allHostSettings(tenantId),
      this.hostZones(tenantId, [...hostById.values()]),
    ]);
    const candidates: (FreeSlot & { host: AhpHostDoc })[] = [];
    for (const slot of slots) {
      if (held.has(slot._id)) continue;
      const host = hostById.get(slot.hostId)!;
      const zone = zones.get(host._id)!;
      if (settings.get(host._id)?.blockedDates.includes(localDateOf(slot.startsAt, zone))) continue;
      candidates.push({ slot, weekKey: isoWeekKey(slot.startsAt, zone), host });
    }
    const capCounts = await this.repo.capUnitsByHostWeek(tenantId, [
      ...new Set(candidates.map((c) => c.weekKey)),
    ]);
    const free = new Map<string, FreeSlot[]>();
    for (const c of candidates) {
      if ((capCounts.get(`${c.host._id}|${c.weekKey}`) ?? 0) >= c.host.weeklyCap) continue;
      const list = free.get(c.host._id) ?? [];
      list.push({ slot: c.slot, weekKey: c.weekKey });
      free.set(c.host._id, list);
    }
    return { free, capCounts, hostById };
  }

  /** What the student has met so far (held) or has coming up (booked). */
  async history(tenantId: string, studentId: string): Promise<StudentHistory> {
    const bookings = (await this.repo.byStudent(tenantId, studentId)).filter(
      (b) => b.state === 'held' || b.state === 'booked',
    );
    const metProfessions: Record<string, number> = {};
    const metRoleTypes: Record<string, number> = {};
    for (const b of bookings) {
      metProfessions[b.profession] = (metProfessions[b.profession] ?? 0) + 1;
      metRoleTypes[b.roleType] = (metRoleTypes[b.roleType] ?? 0) + 1;
    }
    return { metHostIds: [...new Set(bookings.map((b) => b.hostId))], metProfessions, metRoleTypes };
  }

  /**
   * Hosts for the student, ranked by rankHosts, each with their next free slots. With
   * `days`, only slots on the student's leadership days count; `hidden` is how many free
   * slots of the hosts the student could be offered that leaves out.
   */
  async suggestions(tenantId: string, student: PersonDoc, includeMet: boolean, days?: SlotDayContext) {
    const hosts = (await this.hosts.active(tenantId)).filter((h) => h.personId !== student._id);
    const [{ free, capCounts }, history] = await Promise.all([
      this.freeSlots(tenantId, { hosts }),
      this.history(tenantId, student._id),
    ]);
    const candidates: (HostCandidate & { doc: AhpHostDoc; free: FreeSlot[] })[] = [];
    let hidden = 0;
    for (const h of hosts) {
      const all = free.get(h._id) ?? [];
      const { shown: slots, hidden: hiddenHere } = days
        ? filterToLeadershipDays(all, (f) => f.slot.startsAt, days)
        : { shown: all, hidden: 0 };
      if (includeMet || !history.metHostIds.includes(h._id)) hidden += hiddenHere;
      if (slots.length === 0) continue;
      candidates.push({
        id: h._id,
        name: h.displayName,
        profession: h.profession,
        roleType: h.roleType,
        weeklyCap: h.weeklyCap,
        // Full weeks are already filtered out; this is the week of the earliest free slot.
        bookedThisWeek: capCounts.get(`${h._id}|${slots[0]!.weekKey}`) ?? 0,
        nextFreeSlots: slots.map((s) => s.slot.startsAt),
        doc: h,
        free: slots,
      });
    }
    // The student's own profession is never offered as one "you haven't met yet".
    const ranked = rankHosts(candidates, { ...history, ownProfession: student.profession }, {
      includeMet,
      notBefore: this.now(),
      limit: HOSTS_ON_CARD,
    });
    return { ranked, hidden };
  }

  /** The student's calendar and zone (as zoneOf), for judging which days slots fall on. */
  private async slotDays(tenantId: string, student: PersonDoc): Promise<SlotDayContext> {
    const calendar = student.cohortId ? await this.cohorts.byId(tenantId, student.cohortId) : null;
    const zone =
      student.timeZone && isValidTimeZone(student.timeZone)
        ? student.timeZone
        : calendar?.timeZone && isValidTimeZone(calendar.timeZone)
          ? calendar.timeZone
          : this.deps.config.DEFAULT_TIME_ZONE;
    return { calendar, zone };
  }

  // ---------------------------------------------------------------------------------
  // Cards for students
  // ---------------------------------------------------------------------------------

  async bookingCard(
    tenantId: string,
    student: PersonDoc,
    options: BookingView = {},
    known?: SlotDayContext,
  ): Promise<AdaptiveCard | string> {
    if (!booksForSelf(student)) return 'Booking a 20-minute conversation is for students on placement.';
    const days = known ?? (await this.slotDays(tenantId, student));
    const { zone, calendar } = days;
    const includeMet = options.includeMet ?? false;
    const showAll = options.showAll === true || calendar === null;
    const { ranked, hidden } = await this.suggestions(
      tenantId,
      student,
      includeMet,
      showAll ? undefined : days,
    );
    const upcoming = (await this.repo.byStudent(tenantId, student._id)).filter(
      (b) => b.state === 'booked' && b.endsAt.getTime() > this.now().getTime(),
    );
    const hostNames = await this.hostNames(
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
    return this.cards.render('conversation-book', {
      title: 'Book a 20-minute conversation',
      message: options.message ?? '',
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
        where: this.whereText(r.host.doc),
        bio: r.host.doc.bio,
        slots: r.host.free
          .slice(0, SLOTS_PER_HOST)
          .map((f) => this.slotAction(f.slot, zone, '', showAll ? days : undefined)),
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
  async browse(tenantId: string, student: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const view = viewInput.safeParse(data ?? {});
    const v = view.success ? view.data : {};
    return this.bookingCard(tenantId, student, {
      includeMet: v.includeMet === 'true',
      showAll: v.showAll === 'true',
      question: v.question ?? '',
    });
  }

  /** A slot button; with `days` (the "Show all times" view) it names a day that is not a leadership day. */
  private slotAction(slot: SlotDoc, zone: string, replacing: string, days?: SlotDayContext) {
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

  whereText(host: AhpHostDoc): string {
    if (host.onlineLink)
      return host.location.toLowerCase() === 'online' ? 'Online' : `${host.location} or online`;
    return host.location;
  }

  private async hostNames(tenantId: string, hostIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(hostIds)) {
      const h = await this.hosts.byId(tenantId, id);
      if (h) names.set(id, h.displayName);
    }
    return names;
  }

  /**
   * The booking card again, with a message on top (why the last action did not book), in
   * the view the student was in and with their question kept. A slot that is not on a
   * leadership day could only have been picked under "Show all times", so that view stays.
   */
  private async retryCard(
    tenantId: string,
    actor: PersonDoc,
    message: string,
    data: unknown,
    replacing?: BookingDoc,
    questionError = '',
  ) {
    if (replacing) return this.rescheduleCard(tenantId, actor, replacing, message);
    const view = viewInput.safeParse(data ?? {});
    const v = view.success ? view.data : {};
    const startsAt = Date.parse(String((data as { startsAt?: unknown } | null)?.startsAt ?? ''));
    const days = await this.slotDays(tenantId, actor);
    const pickedElsewhere = !Number.isNaN(startsAt) && !isOfferedByDefault(new Date(startsAt), days);
    return this.bookingCard(
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

  // ---------------------------------------------------------------------------------
  // Booking
  // ---------------------------------------------------------------------------------

  /** The card verb `conv.book`: validates, books atomically, answers with a card. */
  async bookFromCard(tenantId: string, actor: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const outcome = await this.book(tenantId, actor, data);
    if (outcome.status === 'booked')
      return this.bookingDetailsCard(tenantId, outcome.booking, actor, 'booked');
    const parsed = parse(bookInput, data);
    const replacingId = parsed.ok ? parsed.value.replacing : undefined;
    const replacing = replacingId ? await this.repo.bookingById(tenantId, replacingId) : null;
    const canReschedule = replacing && this.isParticipant(actor, replacing) && replacing.state === 'booked';
    if (!booksForSelf(actor) && !canReschedule) return outcome.message;
    const suffix = outcome.status === 'invalid' ? '' : ' Here are the next free times.';
    return this.retryCard(
      tenantId,
      actor,
      `${outcome.message}${suffix}`,
      data,
      canReschedule ? replacing : undefined,
      outcome.status === 'invalid' ? (outcome.errors?.question ?? '') : '',
    );
  }

  /**
   * Books a slot for the actor (a student), or moves `replacing` (a booking the actor is a
   * participant of) to the slot. Race-free: the slot hold and a cap unit are inserts.
   */
  async book(tenantId: string, actor: PersonDoc, data: unknown): Promise<BookOutcome> {
    const now = this.now();
    const parsed = parse(bookInput, data);
    if (!parsed.ok) {
      await this.audit.record(
        tenantId,
        { actorId: actor._id, action: 'conversation.book', outcome: 'refused' },
        now,
      );
      const questionError = parsed.errors.question;
      if (questionError && Object.keys(parsed.errors).length === 1) {
        const raw = (data as { question?: unknown }).question;
        const tooLong = typeof raw === 'string' && raw.trim().length > QUESTION_MAX;
        const error = tooLong
          ? `Please keep your question to ${QUESTION_MAX} characters or fewer (it has ${raw.trim().length}).`
          : `Your question: ${questionError.toLowerCase()}.`;
        return {
          status: 'invalid',
          message: `${tooLong ? 'Your question is too long.' : 'Please check your question.'} ${NOTHING_BOOKED}`,
          errors: { question: error },
        };
      }
      return { status: 'invalid', message: `Sorry, that booking request was not valid. ${NOTHING_BOOKED}` };
    }
    const input = parsed.value;
    let replacing: BookingDoc | null = null;
    if (input.replacing) {
      replacing = await this.repo.bookingById(tenantId, input.replacing);
      if (!replacing || !this.isParticipant(actor, replacing))
        return { status: 'invalid', message: `I couldn't find that booking. ${NOTHING_BOOKED}` };
      if (replacing.state !== 'booked')
        return { status: 'invalid', message: 'That conversation has already been cancelled or changed.' };
      if (replacing.startsAt.getTime() <= now.getTime())
        return {
          status: 'invalid',
          message: 'That conversation has already started, so it cannot be moved.',
        };
    } else if (!booksForSelf(actor)) {
      return { status: 'invalid', message: 'Booking a 20-minute conversation is for students on placement.' };
    }

    const slot = await this.repo.slotById(tenantId, input.slotId);
    const invalid = (message: string): BookOutcome => ({
      status: 'invalid',
      message: `${message} ${NOTHING_BOOKED}`,
    });
    if (!slot) return invalid("I couldn't find that time slot.");
    if (slot.hostId !== input.hostId) return invalid('That time slot belongs to a different host.');
    if (replacing && slot.hostId !== replacing.hostId)
      return invalid('A conversation can only be moved to another time with the same host.');
    if (
      Number.isNaN(Date.parse(input.startsAt)) ||
      new Date(input.startsAt).getTime() !== slot.startsAt.getTime()
    )
      return invalid("That time doesn't match the host's published slot.");
    if (slot.startsAt.getTime() <= now.getTime()) return invalid('That time has already passed.');
    if (slot.state !== 'open') return invalid('That time is no longer offered by the host.');
    const host = await this.hosts.byId(tenantId, slot.hostId);
    if (!host || !host.active) return invalid('That host is not taking bookings at the moment.');
    const student = replacing ? await this.deps.people.byId(tenantId, replacing.studentId) : actor;
    if (!student) return invalid("I couldn't find the student for that booking.");
    const hostPerson = await this.deps.people.byId(tenantId, host.personId);
    const hostZone = await this.zoneOf(tenantId, hostPerson);
    const blocked = (await this.repo.hostSettings(tenantId, host._id))?.blockedDates ?? [];
    if (blocked.includes(localDateOf(slot.startsAt, hostZone)))
      return invalid('The host is not available that day.');

    // The final hold on the booking being moved stops a concurrent cancel or second move.
    if (replacing && !(await this.repo.takeHold(tenantId, finalHold(replacing._id))))
      return { status: 'invalid', message: 'That conversation has already been cancelled or changed.' };
    const releaseReplacing = async () => {
      if (replacing) await this.repo.releaseHold(tenantId, finalHoldId(replacing._id), replacing._id);
    };

    const bookingId = tenantDocId(tenantId, 'conv', randomUUID());
    const weekKey = isoWeekKey(slot.startsAt, hostZone);
    const slotHold = slotHoldId(slot._id);
    if (
      !(await this.repo.takeHold(tenantId, {
        _id: slotHold,
        kind: 'slot',
        bookingId,
        hostId: host._id,
        weekKey,
        createdAt: now,
      }))
    ) {
      await releaseReplacing();
      return { status: 'taken', message: JUST_TAKEN };
    }

    const dayHold = await takeDayHold(
      this.repo,
      tenantId,
      { hostId: host._id, studentId: student._id, localDate: localDateOf(slot.startsAt, hostZone), bookingId, now },
      replacing,
    );
    if (!dayHold) {
      await this.repo.releaseHold(tenantId, slotHold, bookingId);
      await releaseReplacing();
      return invalid(SAME_DAY_HOST);
    }
    const releaseDayHold = async () => {
      if (replacing?.dayHoldId !== dayHold) await this.repo.releaseHold(tenantId, dayHold, bookingId);
    };

    let capHold: string | null = null;
    if (replacing && replacing.weekKey === weekKey) {
      capHold = replacing.capHoldId;
      await this.repo.transferHold(tenantId, capHold, bookingId);
    } else {
      for (let k = 1; k <= host.weeklyCap && !capHold; k++) {
        const id = capHoldId(tenantId, host._id, weekKey, k);
        const taken = await this.repo.takeHold(tenantId, {
          _id: id,
          kind: 'cap',
          bookingId,
          hostId: host._id,
          weekKey,
          createdAt: now,
        });
        if (taken) capHold = id;
      }
    }
    if (!capHold) {
      await releaseDayHold();
      await this.repo.releaseHold(tenantId, slotHold, bookingId);
      await releaseReplacing();
      return { status: 'full', message: HOST_FULL };
    }

    const booking: BookingDoc = {
      _id: bookingId,
      tenantId,
      slotId: slot._id,
      hostId: host._id,
      hostPersonId: host.personId,
      studentId: student._id,
      cohortId: student.cohortId,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      profession: host.profession,
      roleType: host.roleType,
      weekKey,
      slotHoldId: slotHold,
      capHoldId: capHold,
      dayHoldId: dayHold,
      state: 'booked',
      endedBy: null,
      endedAt: null,
      rescheduledFrom: replacing?._id ?? null,
      rescheduledTo: null,
      icsToken: randomBytes(18).toString('base64url'),
      note: null,
      hostRating: null,
      // A moved booking keeps the question asked when it was first booked.
      question: replacing ? (replacing.question ?? null) : input.question || null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.repo.insertBooking(tenantId, booking);
    } catch (err) {
      if (!(replacing && replacing.capHoldId === capHold))
        await this.repo.releaseHold(tenantId, capHold, bookingId);
      await releaseDayHold();
      await this.repo.releaseHold(tenantId, slotHold, bookingId);
      await releaseReplacing();
      throw err;
    }

    if (replacing) {
      await this.finish(tenantId, replacing, actor, 'rescheduled', { rescheduledTo: bookingId }, capHold, dayHold);
    }
    await this.scheduleFollowUps(tenantId, booking, student, hostPerson);
    await this.audit.record(
      tenantId,
      {
        actorId: actor._id,
        action: replacing ? 'conversation.reschedule' : 'conversation.book',
        targetId: bookingId,
      },
      now,
    );
    await this.notify(tenantId, booking, replacing ? 'moved' : 'booked', actor, student, hostPerson);
    return { status: 'booked', booking };
  }

  /** Cancel or move: the booking's student or host ('conversation.booking.change'). */
  private isParticipant(person: PersonDoc, booking: BookingDoc): boolean {
    return can(person, 'conversation.booking.change', bookingTarget(booking));
  }

  /** Marks a booking terminal (caller holds its final hold) and frees what it no longer needs. */
  private async finish(
    tenantId: string,
    booking: BookingDoc,
    actor: PersonDoc,
    state: 'cancelled' | 'rescheduled',
    extra: Partial<BookingDoc>,
    keepCapHold: string | null = null,
    keepDayHold: string | null = null,
  ): Promise<void> {
    const now = this.now();
    await this.repo.setBooking(tenantId, booking._id, {
      state,
      endedBy: actor._id,
      endedAt: now,
      updatedAt: now,
      ...extra,
    });
    await this.repo.releaseHold(tenantId, booking.slotHoldId, booking._id);
    if (booking.capHoldId !== keepCapHold)
      await this.repo.releaseHold(tenantId, booking.capHoldId, booking._id);
    if (booking.dayHoldId && booking.dayHoldId !== keepDayHold)
      await this.repo.releaseHold(tenantId, booking.dayHoldId, booking._id);
    for (const key of jobKeys(booking)) await this.deps.scheduler.cancel(key);
  }

  // ---------------------------------------------------------------------------------
  // Cancel, reschedule, outcome
  // ---------------------------------------------------------------------------------

  async cancelFromCard(tenantId: string, actor: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const parsed = parse(bookingRef, data);
    if (!parsed.ok) return 'Sorry, that request was not valid. Nothing was changed.';
    const booking = await this.repo.bookingById(tenantId, parsed.value.bookingId);
    if (!booking || !this.isParticipant(actor, booking)) return "I couldn't find that conversation.";
    if (booking.state !== 'booked') return 'That conversation has already been cancelled or changed.';
    if (booking.startsAt.getTime() <= this.now().getTime())
      return 'That conversation has already started. The host can mark it as held or a no-show.';
    if (!(await this.repo.takeHold(tenantId, finalHold(booking._id))))
      return 'That conversation has already been cancelled or changed.';
    await this.finish(tenantId, booking, actor, 'cancelled', {});
    await this.audit.record(
      tenantId,
      { actorId: actor._id, action: 'conversation.cancel', targetId: booking._id },
      this.now(),
    );
    const [student, hostPerson] = await Promise.all([
      this.deps.people.byId(tenantId, booking.studentId),
      this.deps.people.byId(tenantId, booking.hostPersonId),
    ]);
    await this.notify(tenantId, booking, 'cancelled', actor, student, hostPerson);
    const cancelled = { ...booking, state: 'cancelled' as const };
    return this.bookingDetailsCard(tenantId, cancelled, actor, 'cancelled');
  }

  /** The card to pick a new time with the same host (for either participant). */
  async rescheduleStart(tenantId: string, actor: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const parsed = parse(bookingRef, data);
    if (!parsed.ok) return 'Sorry, that request was not valid. Nothing was changed.';
    const booking = await this.repo.bookingById(tenantId, parsed.value.bookingId);
    if (!booking || !this.isParticipant(actor, booking)) return "I couldn't find that conversation.";
    if (booking.state !== 'booked') return 'That conversation has already been cancelled or changed.';
    return this.rescheduleCard(tenantId, actor, booking, '');
  }

  /** Every free time with the host; for the student, times off their leadership days are labelled. */
  private async rescheduleCard(tenantId: string, actor: PersonDoc, booking: BookingDoc, message: string) {
    const days = actor._id === booking.studentId ? await this.slotDays(tenantId, actor) : undefined;
    const zone = days?.zone ?? (await this.zoneOf(tenantId, actor));
    const host = await this.hosts.byId(tenantId, booking.hostId);
    const { free } = await this.freeSlots(tenantId, { hostId: booking.hostId, hosts: host ? [host] : [] });
    const slots = (free.get(booking.hostId) ?? []).slice(0, 8);
    return this.cards.render('conversation-book', {
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
              where: this.whereText(host),
              bio: '',
              slots: slots.map((f) => this.slotAction(f.slot, zone, booking._id, days)),
            },
          ]
        : [],
      hasHosts: slots.length > 0,
      emptyText: 'There are no other free times with this host in the next four weeks.',
      upcoming: [],
      hasUpcoming: false,
    });
  }

  /** Host marks a conversation held (with the one feedback question) or a no-show. */
  async markOutcome(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
    outcome: 'held' | 'no-show',
  ): Promise<AdaptiveCard | string> {
    const parsed = parse(heldInput, data);
    if (!parsed.ok) return 'Sorry, that request was not valid. Nothing was changed.';
    const booking = await this.repo.bookingById(tenantId, parsed.value.bookingId);
    if (!booking || !can(actor, 'conversation.outcome.record', bookingTarget(booking)))
      return "I couldn't find that conversation among yours.";
    if (booking.state !== 'booked') return `That conversation is already marked as ${booking.state}.`;
    if (booking.startsAt.getTime() > this.now().getTime())
      return 'That conversation has not started yet. You can cancel or move it instead.';
    if (!(await this.repo.takeHold(tenantId, finalHold(booking._id))))
      return 'That conversation has already been marked.';
    const now = this.now();
    await this.repo.setBooking(tenantId, booking._id, {
      state: outcome,
      endedBy: actor._id,
      endedAt: now,
      hostRating: outcome === 'held' ? (parsed.value.rating ?? null) : null,
      updatedAt: now,
    });
    await this.audit.record(
      tenantId,
      { actorId: actor._id, action: `conversation.${outcome}`, targetId: booking._id },
      now,
    );
    return this.cards.render('notice', {
      title: outcome === 'held' ? 'Thank you' : 'Marked as a no-show',
      message:
        outcome === 'held'
          ? 'The conversation is recorded as held. Thank you for giving your time to our students.'
          : 'Thanks for letting us know. The placement lead sees no-shows in the cohort report.',
    });
  }

  /** The student's short note afterwards, stored with the booking (idempotent). */
  async saveNote(tenantId: string, actor: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const parsed = parse(noteInput, data);
    const bookingId =
      typeof (data as { bookingId?: unknown })?.bookingId === 'string'
        ? (data as { bookingId: string }).bookingId
        : '';
    const booking = bookingId ? await this.repo.bookingById(tenantId, bookingId) : null;
    if (!booking || !can(actor, 'conversation.note', bookingTarget(booking)))
      return "I couldn't find that conversation among yours.";
    if (!parsed.ok) {
      return this.reflectCard(
        tenantId,
        booking,
        typeof (data as { note?: unknown })?.note === 'string' ? (data as { note: string }).note : '',
        parsed.errors.note ?? parsed.errors[FORM_ERROR_KEY] ?? 'Please check your note.',
      );
    }
    await this.repo.setBooking(tenantId, booking._id, { note: parsed.value.note, updatedAt: this.now() });
    await this.audit.record(
      tenantId,
      { actorId: actor._id, action: 'conversation.note', targetId: booking._id },
      this.now(),
    );
    return this.cards.render('notice', {
      title: 'Note saved',
      message: 'Your note is saved with this conversation. It will be part of your learning journey.',
    });
  }

  async reflectCard(tenantId: string, booking: BookingDoc, note = '', error = ''): Promise<AdaptiveCard> {
    const host = await this.hosts.byId(tenantId, booking.hostId);
    return this.cards.render('conversation-reflect', {
      title: `How was your conversation with ${host?.displayName ?? 'your host'}?`,
      subtitle: `${booking.profession} · ${booking.roleType}`,
      bookingId: booking._id,
      note,
      error,
    });
  }

  // ---------------------------------------------------------------------------------
  // Details, notifications, reminders and follow-ups
  // ---------------------------------------------------------------------------------

  icsUrl(booking: BookingDoc): string {
    const base = this.deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
    return `${base}/conversations/${encodeURIComponent(booking._id)}/calendar.ics?t=${booking.icsToken}`;
  }

  /** The booking card for one viewer (times in their zone), for a confirmation, reminder or notice. */
  async bookingDetailsCard(
    tenantId: string,
    booking: BookingDoc,
    viewer: PersonDoc | null,
    kind: 'booked' | 'moved' | 'cancelled' | 'reminder-24h' | 'reminder-15m',
    by?: PersonDoc | null,
  ): Promise<AdaptiveCard> {
    const zone = await this.zoneOf(tenantId, viewer);
    const [host, student] = await Promise.all([
      this.hosts.byId(tenantId, booking.hostId),
      this.deps.people.byId(tenantId, booking.studentId),
    ]);
    const viewerIsHost = viewer?._id === booking.hostPersonId;
    const other = viewerIsHost
      ? (student?.displayName ?? 'your student')
      : (host?.displayName ?? 'your host');
    const when = formatLocal(booking.startsAt, zone);
    const byOther = by && viewer && by._id !== viewer._id;
    const titles: Record<typeof kind, string> = {
      booked: `Booked: 20 minutes with ${other}`,
      moved: `Moved: your conversation with ${other}`,
      cancelled: `Cancelled: your conversation with ${other}`,
      'reminder-24h': `Tomorrow: 20 minutes with ${other}`,
      'reminder-15m': `In 15 minutes: your conversation with ${other}`,
    };
    const messages: Record<typeof kind, string> = {
      booked: viewerIsHost
        ? `${other} booked a 20-minute conversation with you.`
        : booking.question
          ? `You're booked in with ${other}, who can see your question below.`
          : `You're booked in with ${other}. Think of one or two questions about their role beforehand.`,
      moved: byOther
        ? `${by!.displayName} moved the conversation to a new time.`
        : 'Your conversation has a new time.',
      cancelled: byOther
        ? `${by!.displayName} cancelled the conversation. The time is free again.`
        : 'The conversation is cancelled and the time is free again.',
      'reminder-24h': 'A reminder for tomorrow.',
      'reminder-15m': 'Starting soon.',
    };
    const active = booking.state === 'booked' && kind !== 'cancelled';
    const question = booking.question ?? '';
    return this.cards.render('conversation-booking', {
      title: titles[kind],
      message: messages[kind],
      question,
      questionTitle: viewerIsHost ? `${other} would like to ask` : 'Your question for the host',
      facts: [
        { title: 'When', value: `${when} (${SLOT_MINUTES} minutes, ${zone})` },
        { title: viewerIsHost ? 'Student' : 'Host', value: other },
        // The person named above: the host sees the student's profession, the student the host's.
        ...(viewerIsHost
          ? student?.profession
            ? [{ title: 'Profession', value: student.profession }]
            : []
          : [
              { title: 'Profession', value: booking.profession },
              { title: 'Role', value: booking.roleType },
            ]),
        { title: 'Where', value: host ? this.whereText(host) : '' },
        ...(host?.onlineLink ? [{ title: 'Online link', value: host.onlineLink }] : []),
      ],
      bookingId: booking._id,
      active,
      icsUrl: this.icsUrl(booking),
    });
  }

  private async notify(
    tenantId: string,
    booking: BookingDoc,
    kind: 'booked' | 'moved' | 'cancelled',
    actor: PersonDoc,
    student: PersonDoc | null,
    hostPerson: PersonDoc | null,
  ): Promise<void> {
    const now = this.now();
    const requests = [];
    for (const person of [student, hostPerson]) {
      if (!person) continue;
      // The actor sees the result in the card they clicked; the other side gets a message.
      // For a new booking both get a confirmation in their chat (the student's card refreshes too).
      if (kind !== 'booked' && person._id === actor._id) continue;
      const card = await this.bookingDetailsCard(tenantId, booking, person, kind, actor);
      requests.push({
        dedupeKey: `conv:${kind}:${booking._id}:${person._id}`,
        purpose: `conversation.${kind}`,
        target: { kind: 'person' as const, personId: person._id },
        activity: cardActivity(card, String((card.body as { text?: string }[] | undefined)?.[0]?.text ?? '')),
      });
    }
    await this.deps.outbox.enqueue(tenantId, requests, now);
  }

  private async scheduleFollowUps(
    tenantId: string,
    booking: BookingDoc,
    student: PersonDoc,
    hostPerson: PersonDoc | null,
  ): Promise<void> {
    const now = this.now();
    for (const person of [student, hostPerson]) {
      if (!person) continue;
      const zone = await this.zoneOf(tenantId, person);
      const { dayBefore, soon } = reminderInstants(booking.startsAt, zone);
      for (const [kind, runAt] of [
        ['24h', dayBefore],
        ['15m', soon],
      ] as const) {
        if (runAt.getTime() <= now.getTime()) continue;
        await this.deps.scheduler.schedule({
          key: reminderKey(booking._id, person._id, kind),
          type: JOB_REMINDER,
          runAt,
          tenantId,
          personId: person._id,
          payload: { bookingId: booking._id, kind },
        });
      }
    }
    await this.deps.scheduler.schedule({
      key: afterKey(booking._id),
      type: JOB_AFTER,
      runAt: new Date(booking.endsAt.getTime() + 5 * 60_000),
      tenantId,
      personId: booking.studentId,
      payload: { bookingId: booking._id },
    });
  }

  /** Job: one reminder to one person; nothing for a booking that is no longer on. */
  async runReminder(job: JobDoc): Promise<void> {
    const tenantId = job.tenantId!;
    const booking = await this.repo.bookingById(tenantId, String(job.payload.bookingId));
    if (!booking || booking.state !== 'booked' || !job.personId) return;
    const person = await this.deps.people.byId(tenantId, job.personId);
    if (!person) return;
    const kind = job.payload.kind === '15m' ? 'reminder-15m' : 'reminder-24h';
    const card = await this.bookingDetailsCard(tenantId, booking, person, kind);
    await this.deps.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: job._id,
          purpose: 'conversation.reminder',
          target: { kind: 'person', personId: person._id },
          activity: cardActivity(
            card,
            kind === 'reminder-15m'
              ? 'Your conversation starts in 15 minutes'
              : 'Your conversation is tomorrow',
          ),
        },
      ],
      this.now(),
    );
  }

  /** Job: after the conversation, the student's reflection prompt and the host's feedback card. */
  async runAfter(job: JobDoc): Promise<void> {
    const tenantId = job.tenantId!;
    const booking = await this.repo.bookingById(tenantId, String(job.payload.bookingId));
    if (!booking || (booking.state !== 'booked' && booking.state !== 'held')) return;
    const [student, host] = await Promise.all([
      this.deps.people.byId(tenantId, booking.studentId),
      this.hosts.byId(tenantId, booking.hostId),
    ]);
    const requests = [];
    if (student) {
      let prompted = false;
      if (this.reflections) {
        try {
          await this.reflections.promptReflection(tenantId, student._id, {
            topic: 'conversation',
            linkId: booking._id,
            dedupeKey: `conv:reflect:${booking._id}`,
            message: `Take five minutes to reflect on your conversation with ${host?.displayName ?? 'your host'} (${booking.profession}, ${booking.roleType}) while it is fresh.`,
          });
          prompted = true;
        } catch (err) {
          this.deps.logger.warn(
            { err: (err as Error).message },
            'conversations: reflection prompt failed; sending a note card',
          );
        }
      }
      if (!prompted)
        requests.push({
          dedupeKey: `conv:reflect:${booking._id}`,
          purpose: 'conversation.reflect',
          target: { kind: 'person' as const, personId: student._id },
          activity: this.cards.activity(
            'conversation-reflect',
            await this.reflectData(tenantId, booking),
            'How was your conversation?',
          ),
        });
    }
    if (booking.state === 'booked') {
      const zone = await this.zoneOf(tenantId, await this.deps.people.byId(tenantId, booking.hostPersonId));
      requests.push({
        dedupeKey: `conv:feedback:${booking._id}`,
        purpose: 'conversation.feedback',
        target: { kind: 'person' as const, personId: booking.hostPersonId },
        activity: this.cards.activity(
          'conversation-host-feedback',
          {
            title: `Your conversation with ${student?.displayName ?? 'a student'}`,
            when: formatLocal(booking.startsAt, zone),
            bookingId: booking._id,
          },
          'Did your conversation go ahead?',
        ),
      });
    }
    await this.deps.outbox.enqueue(tenantId, requests, this.now());
  }

  private async reflectData(tenantId: string, booking: BookingDoc) {
    const host = await this.hosts.byId(tenantId, booking.hostId);
    return {
      title: `How was your conversation with ${host?.displayName ?? 'your host'}?`,
      subtitle: `${booking.profession} · ${booking.roleType}`,
      bookingId: booking._id,
      note: '',
      error: '',
    };
  }

  /** The .ics for a booking, if the token matches (the link in the confirmation card). */
  async ics(bookingId: string, token: string): Promise<string | null> {
    const tenantId = bookingId.split('|')[0] ?? '';
    if (!tenantId || typeof token !== 'string' || token.length === 0) return null;
    const booking = await this.repo.bookingById(tenantId, bookingId);
    if (!booking) return null;
    const a = Buffer.from(booking.icsToken);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const [host, student] = await Promise.all([
      this.hosts.byId(tenantId, booking.hostId),
      this.deps.people.byId(tenantId, booking.studentId),
    ]);
    const cancelled = booking.state === 'cancelled' || booking.state === 'rescheduled';
    return buildIcs({
      uid: `${localUid(booking._id)}@placement-companion`,
      startsAt: booking.startsAt,
      endsAt: booking.endsAt,
      summary: `20-minute conversation: ${host?.displayName ?? 'AHP host'} and ${student?.displayName ?? 'student'}`,
      description: `${booking.profession}, ${booking.roleType}.${host?.onlineLink ? ` Join online: ${host.onlineLink}` : ''}`,
      location:
        host?.onlineLink && host.location.toLowerCase() === 'online'
          ? host.onlineLink
          : (host?.location ?? ''),
      stamp: booking.updatedAt,
      status: cancelled ? 'CANCELLED' : 'CONFIRMED',
      sequence: cancelled ? 1 : 0,
    });
  }

  // ---------------------------------------------------------------------------------
  // Hosts: profile, slots, blocked dates
  // ---------------------------------------------------------------------------------

  private async hostOf(tenantId: string, person: PersonDoc): Promise<AhpHostDoc | null> {
    if (!offersAsHost(person)) return null;
    return this.hosts.byPersonId(tenantId, person._id);
  }

  async hostProfileCard(
    tenantId: string,
    person: PersonDoc,
    values?: Record<string, unknown>,
    errors: Record<string, string> = {},
    message = '',
  ): Promise<AdaptiveCard | string> {
    const host = await this.hostOf(tenantId, person);
    if (!host) return 'Only AHP hosts in the directory have a host profile.';
    const text = (key: string, fallback: string) =>
      typeof values?.[key] === 'string' || typeof values?.[key] === 'number' ? String(values[key]) : fallback;
    return this.cards.render('conversation-host-profile', {
      name: host.displayName,
      headline: `${host.profession} · ${host.roleType}`,
      bio: text('bio', host.bio),
      location: text('location', host.location),
      onlineLink: text('onlineLink', host.onlineLink ?? ''),
      weeklyCap: cardNumber(values?.weeklyCap, host.weeklyCap),
      bioError: errors.bio ?? '',
      locationError: errors.location ?? '',
      onlineLinkError: errors.onlineLink ?? '',
      weeklyCapError: errors.weeklyCap ?? '',
      message: errors[FORM_ERROR_KEY] ?? message,
    });
  }

  async saveHostProfile(tenantId: string, person: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const host = await this.hostOf(tenantId, person);
    if (!host) return 'Only AHP hosts in the directory have a host profile.';
    const parsed = parse(profileInput, data);
    const values = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    if (!parsed.ok) return this.hostProfileCard(tenantId, person, values, parsed.errors);
    const { bio, location, onlineLink, weeklyCap } = parsed.value;
    await this.hosts.updateProfile(
      tenantId,
      host._id,
      { bio, location, onlineLink: onlineLink || null, weeklyCap },
      this.now(),
    );
    await this.audit.record(
      tenantId,
      { actorId: person._id, action: 'conversation.host-profile', targetId: host._id },
      this.now(),
    );
    return this.hostProfileCard(
      tenantId,
      person,
      undefined,
      {},
      'Saved. Students see your new details straight away.',
    );
  }

  async slotsCard(
    tenantId: string,
    person: PersonDoc,
    message = '',
    errors: Record<string, string> = {},
    values: Record<string, unknown> = {},
  ): Promise<AdaptiveCard | string> {
    const host = await this.hostOf(tenantId, person);
    if (!host) return 'Only AHP hosts in the directory can publish conversation slots.';
    const now = this.now();
    const zone = await this.zoneOf(tenantId, person);
    const horizon = new Date(now.getTime() + HORIZON_DAYS * 86_400_000);
    const [slots, bookings, settings] = await Promise.all([
      this.repo.openSlots(tenantId, now, horizon, host._id),
      this.repo.byHostPerson(tenantId, person._id, new Date(now.getTime() - 7 * 86_400_000)),
      this.repo.hostSettings(tenantId, host._id),
    ]);
    const live = bookings.filter((b) => b.state === 'booked');
    const students = new Map(
      (await this.deps.people.byIds(tenantId, [...new Set(live.map((b) => b.studentId))])).map((p) => [
        p._id,
        p,
      ]),
    );
    const bookedSlots = new Set(live.map((b) => b.slotId));
    const blocked = settings?.blockedDates ?? [];
    const items = [
      ...live.map((b) => ({
        at: b.startsAt.getTime(),
        text: `${formatLocal(b.startsAt, zone)}: ${students.get(b.studentId)?.displayName ?? 'a student'}`,
        question: b.question ? `Would like to ask: ${b.question}` : '',
        booked: true,
        started: b.startsAt.getTime() <= now.getTime(),
        bookingId: b._id,
        slotId: b.slotId,
      })),
      ...slots
        .filter((s) => !bookedSlots.has(s._id))
        .map((s) => {
          const day = localDateOf(s.startsAt, zone);
          return {
            at: s.startsAt.getTime(),
            text: `${formatLocal(s.startsAt, zone)}: ${blocked.includes(day) ? 'blocked day' : 'free'}`,
            question: '',
            booked: false,
            started: false,
            bookingId: '',
            slotId: s._id,
          };
        }),
    ]
      .sort((a, b) => a.at - b.at)
      .slice(0, 30)
      .map(({ at: _at, ...rest }) => ({ ...rest, upcomingBooked: rest.booked && !rest.started }));
    const text = (key: string, fallback: string) =>
      typeof values[key] === 'string' ? (values[key] as string) : fallback;
    return this.cards.render('conversation-slots', {
      title: 'Your 20-minute conversation slots',
      zoneNote: `Times in ${zone}. Weekly cap: ${host.weeklyCap} conversations (change it with **my host profile**).`,
      message: errors[FORM_ERROR_KEY] ?? message,
      items,
      hasItems: items.length > 0,
      blocked: blocked
        .filter((d) => d >= localDateOf(now, zone))
        .map((d) => ({ date: d, dateText: formatDate(d) })),
      hasBlocked: blocked.length > 0,
      pubDate: text('pubDate', ''),
      pubTime: text('pubTime', '10:00'),
      pubCount: cardNumber(values.pubCount, 3),
      pubBuffer: text('pubBuffer', '10'),
      pubWeeks: cardNumber(values.pubWeeks, 1),
      blockDate: text('blockDate', ''),
      pubDateError: errors.pubDate ?? '',
      pubTimeError: errors.pubTime ?? '',
      pubCountError: errors.pubCount ?? '',
      pubBufferError: errors.pubBuffer ?? '',
      pubWeeksError: errors.pubWeeks ?? '',
      blockDateError: errors.blockDate ?? '',
    });
  }

  /** Publishes one-off or weekly slots; idempotent (slot ids are host + start). */
  async publishSlots(tenantId: string, person: PersonDoc, data: unknown) {
    const host = await this.hostOf(tenantId, person);
    if (!host) return { card: 'Only AHP hosts in the directory can publish conversation slots.', created: 0 };
    const values = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const parsed = parse(publishInput, data);
    if (!parsed.ok)
      return { card: await this.slotsCard(tenantId, person, '', parsed.errors, values), created: 0 };
    const zone = await this.zoneOf(tenantId, person);
    const now = this.now();
    const v = parsed.value;
    const today = localDateOf(now, zone);
    if (v.pubDate < today)
      return {
        card: await this.slotsCard(
          tenantId,
          person,
          '',
          { pubDate: `That date has passed: choose today (${formatDate(today)}) or a later date. Nothing was published.` },
          values,
        ),
        created: 0,
      };
    const planned = planSlots({
      date: v.pubDate,
      time: parseTime(v.pubTime),
      count: v.pubCount,
      bufferMinutes: v.pubBuffer,
      weeks: v.pubWeeks,
      zone,
    });
    const blocked = (await this.repo.hostSettings(tenantId, host._id))?.blockedDates ?? [];
    const last = planned.at(-1)!;
    const existing = await this.repo.openSlots(
      tenantId,
      new Date(planned[0]!.startsAt.getTime() - SLOT_MINUTES * 60_000),
      last.endsAt,
      host._id,
    );
    let past = 0;
    let skipped = 0;
    const docs = [];
    for (const p of planned) {
      if (p.startsAt.getTime() <= now.getTime()) {
        past++;
        continue;
      }
      const id = makeSlotId(tenantId, host._id, p.startsAt);
      const clash = existing.some(
        (e) => e._id !== id && overlaps(e.startsAt, e.endsAt, p.startsAt, p.endsAt),
      );
      if (clash || blocked.includes(p.localDate)) {
        skipped++;
        continue;
      }
      docs.push({
        _id: id,
        hostId: host._id,
        hostPersonId: person._id,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        state: 'open' as const,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
    }
    if (docs.length === 0 && past === planned.length) {
      return {
        card: await this.slotsCard(
          tenantId,
          person,
          '',
          { pubDate: 'Those times have already passed' },
          values,
        ),
        created: 0,
      };
    }
    const created = await this.repo.insertSlots(tenantId, docs);
    await this.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'conversation.publish',
        targetId: host._id,
        details: { created, skipped, past },
      },
      now,
    );
    const parts = [`Published ${created} slot${created === 1 ? '' : 's'}.`];
    if (docs.length - created > 0) parts.push(`${docs.length - created} already existed.`);
    if (skipped > 0) parts.push(`${skipped} skipped (overlapping another slot or on a blocked day).`);
    if (past > 0) parts.push(`${past} skipped (in the past).`);
    return { card: await this.slotsCard(tenantId, person, parts.join(' ')), created };
  }

  /** Removes a free slot. Race-free against a booking: removing takes the slot hold first. */
  async withdrawSlot(tenantId: string, person: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const host = await this.hostOf(tenantId, person);
    if (!host) return 'Only AHP hosts in the directory can change conversation slots.';
    const parsed = parse(z.object({ slotId: safeText(300, { min: 1 }) }), data);
    const slot = parsed.ok ? await this.repo.slotById(tenantId, parsed.value.slotId) : null;
    if (!slot || slot.hostId !== host._id)
      return this.slotsCard(tenantId, person, "I couldn't find that slot among yours.");
    const now = this.now();
    const took = await this.repo.takeHold(tenantId, {
      _id: slotHoldId(slot._id),
      kind: 'slot',
      bookingId: `withdrawn:${slot._id}`,
      hostId: host._id,
      weekKey: null,
      createdAt: now,
    });
    if (!took)
      return this.slotsCard(
        tenantId,
        person,
        'That slot has just been booked. Cancel the booking if you cannot make it.',
      );
    await this.repo.withdrawSlot(tenantId, slot._id, now);
    return this.slotsCard(tenantId, person, 'Slot removed.');
  }

  async blockDate(tenantId: string, person: PersonDoc, data: unknown, unblock = false) {
    const host = await this.hostOf(tenantId, person);
    if (!host) return 'Only AHP hosts in the directory can block dates.';
    const values = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const parsed = parse(unblock ? z.object({ date: blockInput.shape.blockDate }) : blockInput, data);
    if (!parsed.ok)
      return this.slotsCard(
        tenantId,
        person,
        '',
        { blockDate: parsed.errors.blockDate ?? parsed.errors.date ?? 'Enter a date' },
        values,
      );
    const date =
      'blockDate' in parsed.value ? parsed.value.blockDate : (parsed.value as { date: string }).date;
    const current = (await this.repo.hostSettings(tenantId, host._id))?.blockedDates ?? [];
    const next = unblock ? current.filter((d) => d !== date) : [...current, date];
    await this.repo.setBlockedDates(tenantId, host, next, this.now());
    return this.slotsCard(
      tenantId,
      person,
      unblock
        ? `${formatDate(date)} is open for bookings again.`
        : `${formatDate(date)} is blocked: students can't book you that day. Existing bookings stay; cancel them if you need to.`,
    );
  }

  // ---------------------------------------------------------------------------------
  // Lead report
  // ---------------------------------------------------------------------------------

  async report(tenantId: string, person: PersonDoc): Promise<AdaptiveCard | string> {
    const all = await this.cohorts.all(tenantId);
    // The lead's current cohort first (running, else next, else latest ended).
    const cohorts = currentCohortFirst(
      all.filter((c) => can(person, 'conversation.cohort.report', { cohortId: c._id })),
      this.now(),
    );
    if (cohorts.length === 0) {
      if (!person.roles.some((r) => r === 'lead' || r === 'admin'))
        return 'The conversations report is for placement leads.';
      return all.length === 0
        ? 'There are no cohorts yet.'
        : 'You are not attached to a cohort yet, so there is no report to show. Ask an administrator to add you to the cohort you lead.';
    }
    const now = this.now();
    const rows = [];
    for (const cohort of cohorts) {
      const [bookings, students] = await Promise.all([
        this.repo.byCohort(tenantId, cohort._id),
        this.deps.people.inCohort(tenantId, cohort._id, 'student'),
      ]);
      const held = bookings.filter((b) => b.state === 'held');
      const count = (list: string[]) => {
        const m = new Map<string, number>();
        for (const k of list) m.set(k, (m.get(k) ?? 0) + 1);
        return [...m.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([k, n]) => `${k} (${n})`)
          .join(', ');
      };
      const booked = new Set(
        bookings
          .filter((b) => b.state === 'booked' || b.state === 'held' || b.state === 'no-show')
          .map((b) => b.studentId),
      );
      const notBooked = students.filter((s) => !booked.has(s._id));
      rows.push({
        name: cohort.name,
        facts: [
          { title: 'Held', value: String(held.length) },
          {
            title: 'Coming up',
            value: String(bookings.filter((b) => b.state === 'booked' && b.startsAt > now).length),
          },
          {
            title: 'Awaiting outcome',
            value: String(bookings.filter((b) => b.state === 'booked' && b.startsAt <= now).length),
          },
          { title: 'No-shows', value: String(bookings.filter((b) => b.state === 'no-show').length) },
          { title: 'Cancelled', value: String(bookings.filter((b) => b.state === 'cancelled').length) },
        ],
        professions: held.length ? count(held.map((b) => b.profession)) : 'none yet',
        roleTypes: held.length ? count(held.map((b) => b.roleType)) : 'none yet',
        notBooked: notBooked.length
          ? notBooked.map((s) => s.displayName).join(', ')
          : 'Everyone has booked at least one.',
        notBookedTitle: `Students who have not booked any (${notBooked.length} of ${students.length})`,
      });
    }
    await this.audit.record(tenantId, { actorId: person._id, action: 'conversation.report' }, now);
    return this.cards.render('conversation-report', { cohorts: rows });
  }
}

/** A message activity carrying an already-rendered card, for the outbox. */
function cardActivity(card: AdaptiveCard, summary: string): Record<string, unknown> {
  return {
    type: 'message',
    summary,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

function finalHold(bookingId: string) {
  return {
    _id: finalHoldId(bookingId),
    kind: 'final' as const,
    bookingId,
    hostId: null,
    weekKey: null,
    createdAt: new Date(),
  };
}

function localUid(bookingId: string): string {
  return bookingId.replace(/[^A-Za-z0-9-]/g, '-');
}

export const reminderKey = (bookingId: string, personId: string, kind: '24h' | '15m') =>
  `conv:remind:${kind}:${bookingId}:${personId}`;
export const afterKey = (bookingId: string) => `conv:after:${bookingId}`;

function jobKeys(b: BookingDoc): string[] {
  return [
    ...[b.studentId, b.hostPersonId].flatMap((p) => [
      reminderKey(b._id, p, '24h'),
      reminderKey(b._id, p, '15m'),
    ]),
    afterKey(b._id),
  ];
}
