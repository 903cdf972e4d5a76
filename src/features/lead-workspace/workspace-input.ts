/**
 * What a placement lead types into the workspace cards (and the dashboard's Manage page),
 * checked on the server: one message per field, keyed by the input's id, and the human label
 * of each field for summaries ("Please check: Number of weeks, Last placement day"). Pure: no
 * I/O. Checks that need stored data (names in use, who is a supervisor) live in the service.
 */
import { z } from 'zod';
import {
  addDays,
  DEFAULT_TIME_ZONE,
  endDate,
  formatDate,
  isIsoDate,
  isValidTimeZone,
  parseTime,
  placementWeekOfDate,
  WEEKDAYS,
  type CohortCalendar,
  type Weekday,
} from '../../domain/placement-calendar.js';
import { DEFAULT_ALERT_WELLBEING } from '../../domain/safeguarding.js';
import { FORM_ERROR_KEY, rejectMongoOperatorKeys, safeText } from '../../domain/validation.js';

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Human labels of every workspace input, for messages and summaries (never field keys). */
export const LABELS: Record<string, string> = {
  name: 'Cohort name',
  startDate: 'First placement day',
  weeks: 'Number of weeks',
  endDate: 'Last placement day',
  clinicalDays: 'Clinical days',
  leadershipDays: 'Leadership days',
  supervisionDay: 'Supervision day',
  supervisionTime: 'Supervision time',
  timeZone: 'Time zone',
  promptTime: 'Check-in prompt time',
  reminderHours: 'Reminder (hours before the check-in is due)',
  digestHours: 'Supervisor summary (hours before supervision)',
  date: 'Non-placement day',
  email: 'Email address',
  displayName: 'Full name',
  profession: 'Profession',
  supervisorEmails: "Supervisors' email addresses",
  personTimeZone: 'Time zone (if not the cohort’s)',
  toCohortId: 'Move to cohort',
  roleType: 'Role',
  bio: 'About them',
  location: 'Where they meet',
  weeklyCap: 'Conversations per week (at most)',
  file: 'File',
  [FORM_ERROR_KEY]: 'Form',
};

/** "Please check: Number of weeks, Last placement day." for the top of a card. */
export function errorSummary(errors: FieldErrors): string {
  const keys = Object.keys(errors);
  if (keys.length === 0) return '';
  if (keys.length === 1 && keys[0] === FORM_ERROR_KEY) return errors[FORM_ERROR_KEY]!;
  const labels = keys.filter((k) => k !== FORM_ERROR_KEY).map((k) => LABELS[k] ?? 'A field');
  const form = errors[FORM_ERROR_KEY] ? ` ${errors[FORM_ERROR_KEY]}` : '';
  return `Nothing was saved. Please check: ${labels.join(', ')}.${form}`;
}

/** "Number of weeks: enter a whole number from 1 to 52" lines, for the API and the logs of a test. */
export function labelledErrors(errors: FieldErrors): string[] {
  return Object.entries(errors).map(([k, v]) => `${LABELS[k] ?? 'A field'}: ${v}`);
}

const str = (data: Record<string, unknown>, key: string, max = 500): string =>
  typeof data[key] === 'string' ? (data[key] as string).slice(0, max) : '';

/** The raw values echoed back into a card re-shown with errors. */
export function rawValues(data: unknown, keys: readonly string[]): Record<string, string> {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, str(record, k, 2000)]));
}

function guard(data: unknown): FieldErrors | null {
  try {
    rejectMongoOperatorKeys(data);
  } catch {
    return {
      [FORM_ERROR_KEY]: 'That submission contained something that is not allowed. Nothing was saved.',
    };
  }
  if (data !== undefined && data !== null && typeof data !== 'object')
    return { [FORM_ERROR_KEY]: 'That submission could not be read. Nothing was saved.' };
  return null;
}

/** A card text value: strings only (numbers from Input.Number are accepted as text). */
function textOf(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v === undefined || v === null) return '';
  return undefined;
}

/** 'Mon,Tue' (Input.ChoiceSet isMultiSelect) or ['Mon','Tue'] → weekdays, or an error message. */
function weekdays(raw: unknown): Weekday[] | string {
  const parts = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw.split(/[,;]/)
      : raw === undefined || raw === null
        ? []
        : null;
  if (!parts) return 'Choose days from the list';
  const out: Weekday[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') return 'Choose days from the list';
    const t = p.trim();
    if (!t) continue;
    const day = WEEKDAYS.find((d) => d.toLowerCase() === t.toLowerCase());
    if (!day) return 'Choose days from the list';
    if (!out.includes(day)) out.push(day);
  }
  return WEEKDAYS.filter((d) => out.includes(d));
}

function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

function timeOf(text: string): string | null {
  try {
    return parseTime(text);
  } catch {
    return null;
  }
}

export interface CohortSettingsInput {
  name: string;
  calendar: CohortCalendar;
  checkins: { promptTime: string; reminderHoursBeforeDue: number; digestHoursBeforeSupervision: number };
  /** Same-day safeguarding alert (src/features/checkins/safeguarding-alert.ts). */
  safeguarding: { alertLead: boolean; alertWellbeingAtOrBelow: number };
}

export const COHORT_FORM_KEYS = [
  'name',
  'startDate',
  'weeks',
  'endDate',
  'clinicalDays',
  'leadershipDays',
  'supervisionDay',
  'supervisionTime',
  'timeZone',
  'promptTime',
  'reminderHours',
  'digestHours',
  'alertWellbeing',
  'alertLead',
] as const;

const nameSchema = safeText(100, { min: 1 });

/**
 * The cohort form: name, first day, weeks and/or last day (weeks are worked out from the
 * last day when left blank; when both are given they must agree), clinical and leadership
 * weekdays, supervision slot, time zone, check-in times. `nonPlacementDates` are kept from
 * the stored cohort (they are added and removed one by one).
 */
export function parseCohortForm(
  data: unknown,
  nonPlacementDates: readonly string[] = [],
): Parsed<CohortSettingsInput> {
  const bad = guard(data);
  if (bad) return { ok: false, errors: bad };
  const d = (data ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const text = (key: string) => {
    const v = textOf(d, key);
    if (v === undefined) errors[key] = 'Must be text';
    return v ?? '';
  };

  const nameResult = nameSchema.safeParse(typeof d.name === 'string' ? d.name : (d.name ?? ''));
  if (!nameResult.success)
    errors.name =
      nameResult.error.issues[0]!.message === 'Required'
        ? 'Give the cohort a name'
        : nameResult.error.issues[0]!.message;

  const startDate = text('startDate');
  if (!errors.startDate && !isIsoDate(startDate)) errors.startDate = 'Choose the first day of the placement';

  const weeksText = text('weeks');
  const endText = text('endDate');
  let weeks: number | null = null;
  if (!errors.weeks && weeksText !== '') {
    weeks = wholeNumber(weeksText, 1, 52);
    if (weeks === null) errors.weeks = 'Enter a whole number of weeks from 1 to 52';
  }
  if (!errors.endDate && endText !== '' && !isIsoDate(endText))
    errors.endDate = 'Choose a date from the calendar';
  if (!errors.weeks && !errors.endDate && weeksText === '' && endText === '')
    errors.weeks = 'Enter the number of weeks (or the last placement day)';
  if (!errors.startDate && !errors.endDate && endText !== '') {
    if (endText < startDate)
      errors.endDate = `The last day is before the first day (${formatDate(startDate)})`;
    else if (weeks === null && !errors.weeks) {
      const span = Math.floor(daysBetween(startDate, endText) / 7) + 1;
      if (span > 52) errors.endDate = 'A placement can last at most 52 weeks';
      else weeks = span;
    } else if (weeks !== null) {
      const week = placementWeekOfDate({ startDate, weeks } as CohortCalendar, endText)?.week;
      if (week !== weeks) {
        const lastWeekStart = addDays(startDate, (weeks - 1) * 7);
        errors.endDate = `With ${weeks} week${weeks === 1 ? '' : 's'} the last week runs from ${formatDate(lastWeekStart)} to ${formatDate(addDays(lastWeekStart, 6))}; change the last day or the number of weeks`;
      }
    }
  }

  const clinical = weekdays(d.clinicalDays);
  if (typeof clinical === 'string') errors.clinicalDays = clinical;
  const leadership = weekdays(d.leadershipDays);
  if (typeof leadership === 'string') errors.leadershipDays = leadership;
  if (Array.isArray(clinical) && Array.isArray(leadership)) {
    const both = clinical.filter((x) => leadership.includes(x));
    if (both.length > 0)
      errors.leadershipDays = `A day cannot be both clinical and leadership (${both.join(', ')})`;
    else if (clinical.length + leadership.length === 0)
      errors.clinicalDays = 'Choose at least one clinical or leadership day';
  }

  const supDay = text('supervisionDay');
  const supTime = text('supervisionTime');
  let supervision: CohortCalendar['supervision'] = null;
  if (supDay !== '' && supDay !== 'none') {
    const day = WEEKDAYS.find((x) => x.toLowerCase() === supDay.toLowerCase());
    if (!day) errors.supervisionDay = 'Choose a day from the list';
    const time = timeOf(supTime);
    if (!time) errors.supervisionTime = 'Enter the time of supervision, for example 14:00';
    if (day && time) supervision = { weekday: day, time };
  }

  const zoneText = text('timeZone') || DEFAULT_TIME_ZONE;
  if (!errors.timeZone && !isValidTimeZone(zoneText))
    errors.timeZone = 'Enter a time zone name such as Europe/London';

  const promptTime = timeOf(text('promptTime') || '09:00');
  if (!promptTime && !errors.promptTime) errors.promptTime = 'Enter a time such as 09:00';
  const reminderHours = wholeNumber(text('reminderHours') || '24', 0, 168);
  if (reminderHours === null && !errors.reminderHours)
    errors.reminderHours = 'Enter a whole number of hours from 0 to 168';
  const digestHours = wholeNumber(text('digestHours') || '2', 0, 168);
  if (digestHours === null && !errors.digestHours)
    errors.digestHours = 'Enter a whole number of hours from 0 to 168';

  const alertWellbeing = wholeNumber(text('alertWellbeing') || String(DEFAULT_ALERT_WELLBEING), 1, 4);
  if (alertWellbeing === null && !errors.alertWellbeing)
    errors.alertWellbeing = 'Enter a wellbeing score from 1 to 4';
  const alertLeadText = text('alertLead');
  if (!['', 'true', 'false'].includes(alertLeadText) && !errors.alertLead)
    errors.alertLead = 'Must be on or off';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: nameResult.success ? nameResult.data : '',
      calendar: {
        startDate,
        weeks: weeks!,
        clinicalDays: clinical as Weekday[],
        leadershipDays: leadership as Weekday[],
        nonPlacementDates: [...nonPlacementDates],
        supervision,
        timeZone: zoneText,
      },
      checkins: {
        promptTime: promptTime!,
        reminderHoursBeforeDue: reminderHours!,
        digestHoursBeforeSupervision: digestHours!,
      },
      safeguarding: { alertLead: alertLeadText === 'true', alertWellbeingAtOrBelow: alertWellbeing! },
    },
  };
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** A non-placement day (study day, training): a real date inside the cohort's placement. */
export function parseNonPlacementDate(data: unknown, cal: CohortCalendar): Parsed<string> {
  const bad = guard(data);
  if (bad) return { ok: false, errors: bad };
  const date = textOf((data ?? {}) as Record<string, unknown>, 'date') ?? '';
  if (!isIsoDate(date)) return { ok: false, errors: { date: 'Choose a date from the calendar' } };
  if (date < cal.startDate || date > endDate(cal))
    return {
      ok: false,
      errors: {
        date: `Choose a day within the placement, ${formatDate(cal.startDate)} to ${formatDate(endDate(cal))}`,
      },
    };
  return { ok: true, value: date };
}

export interface PersonInput {
  email: string;
  displayName: string;
  profession: string;
  timeZone: string | null;
  supervisorEmails: string[];
}

export const PERSON_FORM_KEYS = [
  'email',
  'displayName',
  'profession',
  'personTimeZone',
  'supervisorEmails',
] as const;

const emailSchema = z.string().trim().toLowerCase().max(254).email();

/** A student or supervisor to add: email, name, profession, own time zone, supervisors (students). */
export function parsePersonForm(data: unknown, withSupervisors: boolean): Parsed<PersonInput> {
  const bad = guard(data);
  if (bad) return { ok: false, errors: bad };
  const d = (data ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const email = emailSchema.safeParse(typeof d.email === 'string' ? d.email : '');
  if (!email.success) errors.email = 'Enter an email address such as name@nhs.net';
  const name = safeText(100, { min: 1 }).safeParse(typeof d.displayName === 'string' ? d.displayName : '');
  if (!name.success)
    errors.displayName =
      name.error.issues[0]!.message === 'Required' ? 'Enter their name' : name.error.issues[0]!.message;
  const profession = safeText(80, { min: 1 }).safeParse(typeof d.profession === 'string' ? d.profession : '');
  if (!profession.success)
    errors.profession =
      profession.error.issues[0]!.message === 'Required'
        ? 'Enter their profession, for example physiotherapy'
        : profession.error.issues[0]!.message;
  const zone = typeof d.personTimeZone === 'string' ? d.personTimeZone.trim() : '';
  if (zone !== '' && !isValidTimeZone(zone))
    errors.personTimeZone = 'Enter a time zone name such as Europe/London, or leave it blank';
  const supervisorEmails: string[] = [];
  if (withSupervisors) {
    const raw = typeof d.supervisorEmails === 'string' ? d.supervisorEmails : '';
    for (const part of raw.split(/[,;\s]+/).filter(Boolean)) {
      const e = emailSchema.safeParse(part);
      if (!e.success) {
        errors.supervisorEmails = `"${part.slice(0, 60)}" is not an email address`;
        break;
      }
      if (!supervisorEmails.includes(e.data)) supervisorEmails.push(e.data);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      email: email.success ? email.data : '',
      displayName: name.success ? name.data : '',
      profession: profession.success ? profession.data.toLowerCase() : '',
      timeZone: zone || null,
      supervisorEmails,
    },
  };
}

/** A list of supervisors' emails for an existing student ("change supervisors"). */
export function parseSupervisorList(data: unknown): Parsed<string[]> {
  const parsed = parsePersonForm(
    { ...(data as object), email: 'x@example.org', displayName: 'x', profession: 'x' },
    true,
  );
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value.supervisorEmails };
}

export interface HostInput {
  email: string;
  displayName: string;
  profession: string;
  roleType: string;
  bio: string;
  location: string;
  weeklyCap: number;
}

export const HOST_FORM_KEYS = [
  'email',
  'displayName',
  'profession',
  'roleType',
  'bio',
  'location',
  'weeklyCap',
] as const;

/** An AHP host for 20-minute conversations (the same fields as a directory CSV row). */
export function parseHostForm(data: unknown): Parsed<HostInput> {
  const person = parsePersonForm(data, false);
  const errors: FieldErrors = person.ok ? {} : { ...person.errors };
  if (errors[FORM_ERROR_KEY]) return { ok: false, errors };
  const d = (data ?? {}) as Record<string, unknown>;
  const field = (key: string, max: number, required: string | null) => {
    const r = safeText(max, { min: required ? 1 : 0 }).safeParse(typeof d[key] === 'string' ? d[key] : '');
    if (!r.success)
      errors[key] =
        r.error.issues[0]!.message === 'Required' && required ? required : r.error.issues[0]!.message;
    return r.success ? r.data : '';
  };
  const roleType = field('roleType', 80, 'Enter their role, for example FTSU guardian');
  const bio = field('bio', 500, null);
  const location = field('location', 120, 'Enter a room or site, or "online"');
  const capText = textOf(d, 'weeklyCap') ?? '';
  const weeklyCap = wholeNumber(capText || '5', 1, 40);
  if (weeklyCap === null) errors.weeklyCap = 'Enter a whole number from 1 to 40';
  if (Object.keys(errors).length > 0 || !person.ok) return { ok: false, errors };
  return {
    ok: true,
    value: { ...person.value, roleType, bio, location, weeklyCap: weeklyCap! },
  };
}
