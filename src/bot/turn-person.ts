/** The known person behind the current turn, resolved once before any route runs. */
import type { TurnContext } from 'botbuilder';
import type { PersonDoc } from '../storage/people-repository.js';

const PERSON_KEY = Symbol('placement-companion.person');
const TENANT_KEY = Symbol('placement-companion.tenant');

export function setTurnPerson(context: TurnContext, tenantId: string, person: PersonDoc | null): void {
  context.turnState.set(TENANT_KEY, tenantId);
  context.turnState.set(PERSON_KEY, person);
}

export function turnTenantId(context: TurnContext): string {
  const tenantId = context.turnState.get(TENANT_KEY) as string | undefined;
  if (!tenantId) throw new Error('turnTenantId: identity was not resolved for this turn');
  return tenantId;
}

/** The caller, or throws: routes only run for known people. */
export function turnPerson(context: TurnContext): PersonDoc {
  const person = context.turnState.get(PERSON_KEY) as PersonDoc | null | undefined;
  if (!person) throw new Error('turnPerson: no known person on this turn');
  return person;
}
