/**
 * The person forms (a student with their supervisors, a supervisor), a student's supervisor
 * list, and the AHP host form, checked on the server. One message per field. Pure: no I/O.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, safeText } from '../../domain/validation.js';
import { guard, textOf, wholeNumber, type FieldErrors, type Parsed } from './workspace-input.js';

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
