/**
 * The cohort form and the non-placement day, checked on the server: name, calendar (first day,
 * weeks or last day, clinical and leadership days, supervision slot, time zone), check-in times
 * and safeguarding settings. One message per field. Pure: no I/O.
 */
import {
  addDays,
  DEFAULT_TIME_ZONE,
  formatDate,
  isIsoDate,
  isValidTimeZone,
  lastPlacementDate,
  parseTime,
  placementWeekOfDate,
  WEEKDAYS,
  type CohortCalendar,
  type Weekday,
} from '../../domain/placement-calendar.js';
import { DEFAULT_ALERT_WELLBEING } from '../../domain/safeguarding.js';
import { safeText } from '../../domain/validation.js';
import { guard, textOf, wholeNumber, type FieldErrors, type Parsed } from './workspace-input.js';

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
  if (date < cal.startDate || date > lastPlacementDate(cal))
    return {
      ok: false,
      errors: {
        date: `Choose a day within the placement, ${formatDate(cal.startDate)} to ${formatDate(lastPlacementDate(cal))}`,
      },
    };
  return { ok: true, value: date };
}
