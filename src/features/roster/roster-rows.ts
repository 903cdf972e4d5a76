/**
 * One zod schema per CSV row type (cohorts.csv, people.csv, ahp-directory.csv). Keys are the
 * CSV column names, so every issue's path names the column it is about. Checks that need
 * other rows or stored data (duplicates, references) live in the import service.
 */
import { z } from 'zod';
import {
  addDays,
  DEFAULT_TIME_ZONE,
  isIsoDate,
  isValidTimeZone,
  parseSupervision,
  parseWeekdays,
} from '../../domain/placement-calendar.js';
import { safeText } from '../../domain/validation.js';
import { ROLES, type Role } from '../../storage/people-repository.js';

/** Runs a domain parser that throws, turning its Error message into a zod issue. */
function parsedWith<T>(parser: (text: string) => T) {
  return z.string().transform((text, ctx): T => {
    try {
      return parser(text);
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
      return z.NEVER;
    }
  });
}

/** `a;b;c` -> ['a','b','c'] (trimmed, blanks dropped). */
export function splitList(text: string): string[] {
  return text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

const required = (max: number) => safeText(max, { min: 1 });
const optional = (max: number) => safeText(max).transform((v) => (v === '' ? null : v));

const email = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'required')
  .max(254, 'must be 254 characters or fewer')
  .email('not a valid email address');

function wholeNumber(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

const isoDateText = z
  .string()
  .trim()
  .refine(isIsoDate, (v) => ({ message: `"${v}" is not a date in YYYY-MM-DD form` }));

const timeZone = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || isValidTimeZone(v),
    (v) => ({
      message: `unknown time zone "${v}": expected an IANA name such as Europe/London`,
    }),
  );

export const COHORT_COLUMNS = {
  required: ['cohort', 'start_date', 'weeks', 'clinical_days', 'leadership_days', 'supervision'],
  optional: ['non_placement_dates', 'time_zone', 'teams_channel_id'],
} as const;

/** `;` separates cohort names in people.csv, so a cohort's own name cannot contain one. */
const cohortName = required(100).refine((v) => !v.includes(';'), {
  message: 'cannot contain ";" (it separates cohort names in people.csv)',
});

const cohortFields = z.object({
  cohort: cohortName,
  start_date: isoDateText,
  weeks: wholeNumber(1, 52),
  clinical_days: parsedWith(parseWeekdays),
  leadership_days: parsedWith(parseWeekdays),
  non_placement_dates: z
    .string()
    .transform(splitList)
    .superRefine((dates, ctx) => {
      const bad = dates.filter((d) => !isIsoDate(d));
      if (bad.length > 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${bad.map((d) => `"${d}"`).join(', ')} ${bad.length === 1 ? 'is not a date' : 'are not dates'} in YYYY-MM-DD form (separate dates with ;)`,
        });
      }
    })
    .transform((dates) => [...new Set(dates)].sort()),
  supervision: parsedWith(parseSupervision),
  time_zone: timeZone.transform((v) => v || DEFAULT_TIME_ZONE),
  teams_channel_id: optional(300),
});
export const cohortRowSchema = cohortFields;
export type CohortRow = z.output<typeof cohortRowSchema>;

export interface ColumnProblem {
  column: string;
  message: string;
}

/** Checks across columns of one cohort row, on whichever columns parsed. */
export function cohortRowProblems(row: Partial<CohortRow>): ColumnProblem[] {
  const problems: ColumnProblem[] = [];
  const { start_date: start, weeks, non_placement_dates: dates } = row;
  if (start && weeks && dates) {
    // A date off the placement would be stored but never used: say so rather than keep it silently.
    const last = addDays(start, weeks * 7 - 1);
    const outside = dates.filter((d) => d < start || d > last);
    if (outside.length > 0)
      problems.push({
        column: 'non_placement_dates',
        message: `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the placement (${start} to ${last})`,
      });
  }
  const { clinical_days: clinical, leadership_days: leadership } = row;
  if (!clinical || !leadership) return problems;
  const both = clinical.filter((d) => leadership.includes(d));
  if (both.length > 0) {
    problems.push({
      column: 'leadership_days',
      message: `${both.join(', ')} cannot be both a clinical and a leadership day`,
    });
  }
  if (clinical.length + leadership.length === 0) {
    problems.push({
      column: 'clinical_days',
      message: 'a cohort needs at least one clinical or leadership weekday',
    });
  }
  return problems;
}
export const cohortColumnSchemas = cohortFields.shape;

export const PEOPLE_COLUMNS = {
  required: ['email', 'display_name', 'roles', 'profession', 'cohort', 'supervisor_email'],
  optional: ['time_zone'],
} as const;

const roles = z.string().transform((text, ctx): Role[] => {
  const parts = splitList(text).map((p) => p.toLowerCase());
  const unknown = parts.filter((p) => !(ROLES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `unknown role ${unknown.map((r) => `"${r}"`).join(', ')} (expected ${ROLES.join(', ')}, separated by ;)`,
    });
    return z.NEVER;
  }
  if (parts.length === 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `at least one role is required (${ROLES.join(', ')})`,
    });
    return z.NEVER;
  }
  return ROLES.filter((r) => parts.includes(r));
});

const emailList = z.string().transform((text, ctx) => {
  const parts = splitList(text).map((p) => p.toLowerCase());
  const bad = parts.filter((p) => !email.safeParse(p).success);
  if (bad.length > 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${bad.map((p) => `"${p}"`).join(', ')} ${bad.length === 1 ? 'is not a valid email address' : 'are not valid email addresses'} (separate addresses with ;)`,
    });
    return z.NEVER;
  }
  return [...new Set(parts)];
});

/** `Cohort 1;Cohort 2` (a lead of several cohorts, a supervisor attached to several) or one name. */
const cohortList = safeText(2000)
  .transform(splitList)
  .superRefine((names, ctx) => {
    const long = names.filter((n) => n.length > 100);
    if (long.length > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `a cohort name must be 100 characters or fewer (separate cohorts with ;)`,
      });
    }
  })
  .transform((names) => [...new Set(names)]);

const personFields = z.object({
  email,
  display_name: required(200),
  roles,
  profession: required(100),
  cohort: cohortList,
  supervisor_email: emailList,
  time_zone: timeZone.transform((v) => v || null),
});
export const personRowSchema = personFields;
export type PersonRow = z.output<typeof personRowSchema>;

/** Checks across columns of one person row, on whichever columns parsed. */
export function personRowProblems(row: Partial<PersonRow>): ColumnProblem[] {
  const problems: ColumnProblem[] = [];
  if (!row.roles) return problems;
  const student = row.roles.includes('student');
  if (student && row.cohort?.length === 0)
    problems.push({ column: 'cohort', message: 'required for a student' });
  if (student && (row.cohort?.length ?? 0) > 1) {
    problems.push({
      column: 'cohort',
      message:
        'a student is on one cohort: list only one (several, separated by ;, are for leads and supervisors)',
    });
  }
  const supervisors = row.supervisor_email ?? [];
  if (!student && supervisors.length > 0) {
    problems.push({
      column: 'supervisor_email',
      message: 'only students have supervisors: leave it empty or add the student role',
    });
  }
  if (row.email && supervisors.includes(row.email)) {
    problems.push({ column: 'supervisor_email', message: 'a person cannot supervise themselves' });
  }
  return problems;
}
export const personColumnSchemas = personFields.shape;

export const DIRECTORY_COLUMNS = {
  required: ['email', 'display_name', 'profession', 'role_type', 'bio', 'location', 'weekly_cap'],
  optional: [],
} as const;

const hostFields = z.object({
  email,
  display_name: required(200),
  profession: required(100),
  role_type: required(100),
  bio: safeText(1000),
  location: required(200),
  weekly_cap: wholeNumber(0, 50),
});
export const hostRowSchema = hostFields;
export type HostRow = z.output<typeof hostRowSchema>;
export const hostColumnSchemas = hostFields.shape;
