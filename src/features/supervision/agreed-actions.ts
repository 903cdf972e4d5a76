/**
 * Agreed actions after supervision: the owner's open actions on their check-in card, Done /
 * Not yet / Carry over (from a check-in card, a summary or `my students`), and what the
 * supervisor's weekly summary shows of actions and escalations (CheckinFollowUps).
 */
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import { addDays, formatDate, localDateOf } from '../../domain/placement-calendar.js';
import { isoDate, safeText } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CardAction, DigestFollowUps } from '../checkins/ports.js';
import { escalationLine, handlerNames } from './escalation-actions.js';
import type { CheckinFollowUps } from './ports.js';
import { hasRole, refuse, type SupervisionDeps } from './supervision-deps.js';
import { ACTION_UPDATES, type OpenActionItem } from './supervision-repository.js';

type Answer = AdaptiveCard | string;

export const ACTION_REFUSED =
  'You can only update actions you agreed to, or that a student you supervise agreed to.';
const DAY_MS = 24 * 60 * 60 * 1000;

const ActionUpdateInput = z.object({
  actionId: safeText(300, { min: 1 }),
  update: z.enum(ACTION_UPDATES),
  due: isoDate.optional(),
  from: z.enum(['checkin', 'digest', 'students', 'notes']).default('checkin'),
  week: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z.number().int().min(1).max(52).optional(),
  ),
});

/** An open action as a card shows it, with its Done / Not yet / Carry over data. */
export function cardAction(
  item: Pick<OpenActionItem, 'actionId' | 'text' | 'dueDate' | 'status'>,
  today: string,
): CardAction {
  const late = item.dueDate < today;
  return {
    actionId: item.actionId,
    text: item.text,
    due: item.dueDate,
    dueText: `${late ? 'Was due' : 'Due'} ${formatDate(item.dueDate)}`,
    statusText: item.status === 'not-yet' ? 'Not done yet' : '',
  };
}

export class AgreedActions implements CheckinFollowUps {
  constructor(private readonly s: SupervisionDeps) {}

  /** The owner's open actions for their check-in card: one read by _id. */
  async openActions(tenantId: string, personId: string): Promise<CardAction[]> {
    const items = await this.s.repo.openOf(tenantId, personId);
    const today = localDateOf(this.s.clock.now(), 'Europe/London');
    return items.map((i) => cardAction(i, today));
  }

  /** Done / Not yet / Carry over, from a check-in card, a summary or `my students`. */
  async updateAction(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    const parsed = ActionUpdateInput.safeParse(data ?? {});
    if (!parsed.success || (parsed.data.update === 'carry-over' && !parsed.data.due))
      return 'That action could not be updated: the card is out of date. Type **check in** for the current one.';
    const input = parsed.data;
    const action = await this.s.repo.actionById(tenantId, input.actionId);
    const target: Target = action
      ? {
          personId: action.ownerId,
          studentId: action.studentId ?? undefined,
          supervisorIds: action.studentId
            ? await this.s.supervisions.supervisorIdsOf(tenantId, action.studentId)
            : [],
          cohortId: action.cohortId,
        }
      : {};
    if (!action || !can(viewer, 'supervision.action.update', target)) {
      await refuse(this.s, tenantId, viewer, 'supervision.action.update', action?._id ?? null);
      return ACTION_REFUSED;
    }
    const now = this.s.clock.now();
    let message: string;
    if (input.update === 'done') {
      await this.s.repo.update(tenantId, action, { status: 'done' }, viewer._id, now);
      message = `Marked done: ${action.text}.`;
    } else if (input.update === 'not-yet') {
      await this.s.repo.update(tenantId, action, { status: 'not-yet' }, viewer._id, now);
      message = `Noted, not done yet: ${action.text}.`;
    } else {
      // The due date shown on the card names the carry-over: a double click moves it once.
      const next = addDays(input.due!, 7);
      if (
        input.due === action.dueDate &&
        (await this.s.claims.take('supervision.action.carry', `${action._id}|${input.due}`))
      )
        await this.s.repo.update(
          tenantId,
          action,
          { status: 'open', dueDate: next, carried: true },
          viewer._id,
          now,
        );
      message = `Carried over to ${formatDate(action.dueDate === input.due ? next : action.dueDate)}: ${action.text}.`;
    }
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'supervision.action.update',
        targetId: action._id,
        details: { update: input.update },
      },
      now,
    );
    // From a summary or `my students` the answer is a short message and the card stays as it
    // is (its Refresh button redraws `my students`); a student's check-in card redraws itself.
    if (input.from === 'checkin' && hasRole(viewer, 'student') && viewer._id === action.ownerId)
      return this.s.checkins.open(tenantId, viewer, input.week);
    return message;
  }

  /** Each student's actions and escalation mark, and each supervisor's own actions. */
  async digest(tenantId: string, cohortId: string, now: Date): Promise<DigestFollowUps> {
    const [actions, escalations] = await Promise.all([
      this.s.repo.ofCohort(tenantId, cohortId),
      this.s.repo.escalationsOfCohort(tenantId, cohortId),
    ]);
    const today = localDateOf(now, 'Europe/London');
    const weekAgo = now.getTime() - 7 * DAY_MS;
    const students = new Map<string, { actions: string[]; escalationText: string }>();
    const entry = (id: string) => {
      let e = students.get(id);
      if (!e) students.set(id, (e = { actions: [], escalationText: '' }));
      return e;
    };
    const sorted = [...actions].sort(
      (a, b) => a.dueDate.localeCompare(b.dueDate) || a._id.localeCompare(b._id),
    );
    const supervisors = new Map<string, CardAction[]>();
    for (const a of sorted) {
      if (a.studentId) {
        if (a.status === 'done') {
          if (a.closedAt && new Date(a.closedAt).getTime() >= weekAgo)
            entry(a.studentId).actions.push(`Done ✓ ${a.text}`);
        } else {
          const late = a.dueDate < today;
          entry(a.studentId).actions.push(
            `${a.status === 'not-yet' ? 'Not done yet' : late ? 'Overdue' : 'Open'}: ${a.text} (${late ? 'was due' : 'due'} ${formatDate(a.dueDate)})`,
          );
        }
      } else if (a.status !== 'done') {
        supervisors.set(a.supervisorId, [
          ...(supervisors.get(a.supervisorId) ?? []),
          cardAction({ actionId: a._id, text: a.text, dueDate: a.dueDate, status: a.status }, today),
        ]);
      }
    }
    const handlers = await handlerNames(this.s, tenantId, escalations);
    for (const e of escalations) {
      if (e.endedAt) continue;
      entry(e.studentId).escalationText = escalationLine(e, handlers, 'Europe/London');
    }
    return { students, supervisors };
  }
}
