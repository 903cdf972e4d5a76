/**
 * What every reflections use case is built from (given once by src/services.ts), and the few
 * rules and messages they share.
 */
import { createHash, randomBytes } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import type { CoreServices } from '../../services.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { reflectionTitle } from './journey-document.js';
import type { ReflectionNeeds } from './ports.js';
import type { ReflectionDoc, ReflectionsRepository } from './reflections-repository.js';

export type ReflectionDeps = Pick<
  CoreServices,
  | 'config'
  | 'clock'
  | 'cards'
  | 'people'
  | 'cohorts'
  | 'supervisions'
  | 'references'
  | 'outbox'
  | 'scheduler'
  | 'audit'
> &
  ReflectionNeeds & {
    repo: ReflectionsRepository;
  };

export const NOT_FOUND = 'I could not find that reflection, or it is not shared with you.';
export const DRAFT_NOT_FOUND =
  'I could not find that draft: it may have been saved or discarded already. Type **reflect** to see your drafts.';
export const STUDENTS_ONLY =
  'Reflections are for students on placement. Type **help** to see what I can do for you.';

export const newNonce = () => randomBytes(12).toString('base64url');
/** A short stable digest, for ids and keys that should not reveal what they were made from. */
export const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);
export const isStudent = (p: PersonDoc) => p.roles.includes('student');
/** `reflect`, drafts, `my reflections`, `my journey`: the policy's 'reflection.write.self'. */
export const writesOwn = (p: PersonDoc) => can(p, 'reflection.write.self', { studentId: p._id });

/** The person's time zone, else the service's. */
export function zoneOf(deps: Pick<ReflectionDeps, 'config'>, person: PersonDoc | null): string {
  return person?.timeZone ?? deps.config.DEFAULT_TIME_ZONE;
}

/** The reflection's title as every card shows it: its topic and the day it was written, in `zone`. */
export function titleOf(r: ReflectionDoc, zone: string): string {
  return reflectionTitle({ ...r, week: null, feedback: [] }, zone);
}

export const sopList = (standards: readonly string[]) => standards.map((c) => `SOP ${c}`).join(', ');
