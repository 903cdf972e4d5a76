/**
 * The supervision session card's input: validated on the server field by field, so a bad
 * submit re-shows the card with a message under each wrong field and writes nothing.
 */
import { z } from 'zod';
import { addDays } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, formatZodIssues, isoDate, safeText } from '../../domain/validation.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import { SUPERVISION_KINDS, type SupervisionKind } from './supervision-repository.js';

export const MAX_ACTIONS = 4;
export const MAX_NOTES = 4000;
export const MAX_ACTION_TEXT = 300;
export const MAX_ATTENDEES = 30;
/** The owner value meaning "the supervisor recording the session". */
export const OWNER_ME = 'me';

export const actionKeys = (n: number) =>
  ({ text: `action${n}Text`, owner: `action${n}Owner`, due: `action${n}Due` }) as const;

export interface ParsedAction {
  text: string;
  /** A student id, or OWNER_ME. */
  owner: string;
  dueDate: string;
}

export interface ParsedSession {
  attendeeIds: string[];
  projectId: string | null;
  date: string;
  minutes: number;
  kind: SupervisionKind;
  notes: string;
  actions: ParsedAction[];
}

export type SessionParse =
  { ok: true; session: ParsedSession } | { ok: false; errors: Record<string, string> };

const DATE_MESSAGE = 'Choose a real date from the calendar';
const date = z
  .string({ invalid_type_error: DATE_MESSAGE, required_error: DATE_MESSAGE })
  .trim()
  .refine((s) => isoDate.safeParse(s).success, { message: DATE_MESSAGE });
const minutes = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z
    .number({
      invalid_type_error: 'Enter minutes from 1 to 480',
      required_error: 'Enter minutes from 1 to 480',
    })
    .int('Enter minutes from 1 to 480')
    .min(1, 'Enter minutes from 1 to 480')
    .max(480, 'Enter minutes from 1 to 480'),
);
const idText = safeText(200);

/** The form fields a card may send back (typed values are re-shown from these only). */
export function sessionFieldKeys(): string[] {
  const keys = ['attendees', 'projectId', 'date', 'minutes', 'kind', 'notes'];
  for (let n = 1; n <= MAX_ACTIONS; n++) keys.push(...Object.values(actionKeys(n)));
  return keys;
}

/** What was typed, as short strings only, for re-showing the card after an error. */
export function typedSessionValues(data: unknown): Record<string, string> {
  const raw = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return Object.fromEntries(
    sessionFieldKeys().map((k) => {
      const v = raw[k];
      const max = k === 'notes' ? MAX_NOTES : 400;
      return [k, typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' ? String(v) : ''];
    }),
  );
}

/**
 * Checks every field. `today` (the supervisor's local date) bounds the session date: it was
 * held today or in the last year. Due dates fall on or after the session, within a year.
 */
export function parseSessionSubmit(
  data: unknown,
  today: string,
  /** The students of the project team chosen on the card (already resolved), attendees too. */
  projectStudentIds: readonly string[] = [],
): SessionParse {
  const unsafe = 'Some values are not allowed; nothing was saved.';
  if (!parseCardInput(z.unknown(), data, { unsafeMessage: unsafe }).ok)
    return { ok: false, errors: { [FORM_ERROR_KEY]: unsafe } };
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const field = <T>(key: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    errors[key] = Object.values(formatZodIssues(r.error))[0] ?? 'Not valid';
    return undefined;
  };

  const attendeesRaw = field('attendees', safeText(MAX_ATTENDEES * 210), d.attendees ?? '');
  const attendeeIds = [
    ...new Set([
      ...(attendeesRaw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...projectStudentIds,
    ]),
  ];
  if (attendeesRaw !== undefined) {
    if (attendeeIds.length === 0)
      errors.attendees = 'Choose at least one student who attended, or a project team';
    else if (attendeeIds.length > MAX_ATTENDEES)
      errors.attendees = `Choose at most ${MAX_ATTENDEES} students`;
    else if (attendeeIds.some((id) => id.length > 200 || id === OWNER_ME))
      errors.attendees = 'Choose students from the list';
  }
  const projectRaw = field('projectId', idText, d.projectId ?? '');
  const held = field('date', date, d.date);
  if (held !== undefined) {
    if (held > today) errors.date = 'The session date cannot be in the future';
    else if (held < addDays(today, -366)) errors.date = 'Choose a date within the last year';
  }
  const mins = field('minutes', minutes, d.minutes);
  const kind = field(
    'kind',
    z.enum(SUPERVISION_KINDS, { errorMap: () => ({ message: 'Choose individual, group or project' }) }),
    d.kind,
  );
  if (kind === 'individual' && attendeeIds.length > 1 && !errors.attendees)
    errors.kind = 'Individual supervision is with one student: choose Group for several';
  const notes = field('notes', safeText(MAX_NOTES), d.notes ?? '');

  const actions: ParsedAction[] = [];
  for (let n = 1; n <= MAX_ACTIONS; n++) {
    const k = actionKeys(n);
    const text = field(k.text, safeText(MAX_ACTION_TEXT), d[k.text] ?? '');
    const owner = field(k.owner, idText, d[k.owner] ?? '');
    const dueRaw = d[k.due] ?? '';
    const empty = !text && !owner && (typeof dueRaw !== 'string' || dueRaw.trim() === '');
    if (empty || text === undefined || owner === undefined) continue;
    if (!text) {
      errors[k.text] = 'Write what was agreed, or clear this action';
      continue;
    }
    if (!owner) errors[k.owner] = 'Choose who will do it';
    else if (owner !== OWNER_ME && !attendeeIds.includes(owner))
      errors[k.owner] = 'Choose yourself or a student who attended';
    const due = field(k.due, date, dueRaw);
    if (due !== undefined && held !== undefined) {
      if (due < held) errors[k.due] = 'The due date is before the session';
      else if (due > addDays(held, 366)) errors[k.due] = 'Choose a due date within a year';
    }
    if (!errors[k.owner] && !errors[k.due] && due !== undefined) actions.push({ text, owner, dueDate: due });
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    session: {
      attendeeIds,
      projectId: projectRaw ? projectRaw : null,
      date: held!,
      minutes: mins as number,
      kind: kind!,
      notes: notes ?? '',
      actions,
    },
  };
}
