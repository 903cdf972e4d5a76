/**
 * The typed commands each role may use in a personal chat (from the features' `commands.add`),
 * for measuring the classifier without starting the service. test/e2e/understanding checks
 * this table against the running service's command registry.
 */
const any = ['help', 'export my data', 'delete my data', 'raise a concern'];
import type { Role } from '../src/storage/people-repository.js';

export const ROLE_COMMANDS: Record<Exclude<Role, 'admin'>, string[]> = {
  student: [
    ...any,
    'my placement',
    'check in',
    'my check-ins',
    'reflect',
    'my reflections',
    'my journey',
    'export my journey',
    'share my journey with <email>',
    'presentation starter',
    'peer reflections',
    'book a conversation',
    'my bookings',
    'surveys',
    'my project',
    'events',
  ],
  supervisor: [
    ...any,
    'pause check-ins',
    'record supervision',
    'my students',
    'shared reflections',
    'export journey <student email>',
    'new project',
    'my project',
    'projects',
  ],
  'ahp-host': [...any, 'my bookings', 'my slots', 'my host profile'],
  lead: [
    ...any,
    'link cohort',
    'pause check-ins',
    'cohort status',
    'reflection prompts',
    'reflective workshop',
    'conversations report',
    'surveys',
    'compare cohorts',
    'run survey',
    'announce',
    'announcements',
    'manage cohorts',
    'new project',
    'my project',
    'projects',
    'new event',
    'events',
  ],
};
