/**
 * The kind answer to distress: who can help this person now, by name where the data knows
 * them (their supervisors, their cohort's practice education leads, the trust's Freedom to
 * Speak Up guardian from the AHP directory), the wellbeing service, and urgent numbers.
 * It stores nothing about the person or what they wrote: only a count per tenant and month,
 * which a tenant sees only once it reaches the minimum group size.
 */
import type { Config } from '../../config.js';
import { isGroupLargeEnough } from '../../domain/anonymity.js';
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import type { SupportAnswersRepository } from './support-repository.js';
import { chatLink } from '../../feature-kit/chat-link.js';

export const URGENT_HELP =
  'If you might be in danger or could harm yourself, call 999 or go to A&E now. For urgent mental health help call NHS 111 and choose option 2. Samaritans are there day and night, free, on 116 123.';

export const SUPPORT_PRIVACY =
  "I haven't saved what you wrote and I haven't told anyone. If you want someone to know, message them with the buttons below.";

export interface SupportDeps {
  config: Pick<
    Config,
    'SUPPORT_STUDENT_WELLBEING' | 'SUPPORT_STAFF_WELLBEING' | 'SUPPORT_FTSU' | 'MIN_GROUP_SIZE'
  >;
  people: PeopleRepository;
  supervisions: SupervisionLinksRepository;
  hosts: AhpHostsRepository;
  answers: SupportAnswersRepository;
}

interface Contact {
  displayName: string;
  email: string;
}

const MAX_BUTTONS = 4;

export class SupportService {
  constructor(private readonly deps: SupportDeps) {}

  /** The card data for the kind answer (cards/support-help.json). */
  async helpCardData(tenantId: string, person: PersonDoc) {
    const student = person.roles.includes('student');
    const [supervisors, leads, guardians] = await Promise.all([
      student ? this.supervisorsOf(tenantId, person) : Promise.resolve([]),
      this.leadsOf(tenantId, person),
      this.guardians(tenantId),
    ]);
    const names = (list: Contact[]) => list.map((p) => p.displayName).join(', ');
    const helpers: { title: string; value: string }[] = [];
    if (supervisors.length > 0)
      helpers.push({
        title: supervisors.length > 1 ? 'Your supervisors' : 'Your supervisor',
        value: names(supervisors),
      });
    if (leads.length > 0) helpers.push({ title: 'Practice education lead', value: names(leads) });
    helpers.push({
      title: 'Freedom to Speak Up',
      value:
        guardians.length > 0
          ? `${names(guardians)}, the trust's Freedom to Speak Up guardian: for bullying, harassment or anything unsafe`
          : `${this.deps.config.SUPPORT_FTSU}: for bullying, harassment or anything unsafe`,
    });
    helpers.push({
      title: 'Wellbeing',
      value: student ? this.deps.config.SUPPORT_STUDENT_WELLBEING : this.deps.config.SUPPORT_STAFF_WELLBEING,
    });
    // Each button opens a Teams chat with that person, and says why: the supervisor, the lead,
    // or the Freedom to Speak Up guardian. "Raise a concern" (below them) opens the concern form
    // (src/features/concerns): named or anonymous, to the trust's receivers.
    const labelled = [
      ...supervisors.map((c) => ({ c, title: `Message ${c.displayName}` })),
      ...leads.map((c) => ({ c, title: `Contact the lead: ${c.displayName}` })),
      ...guardians.map((c) => ({ c, title: `Message ${c.displayName} (Freedom to Speak Up)` })),
    ];
    const contacts = labelled
      .filter(
        ({ c }, i, all) =>
          c.email && c.email !== person.email && all.findIndex((o) => o.c.email === c.email) === i,
      )
      .slice(0, MAX_BUTTONS)
      .map(({ c, title }) => ({ title, url: chatLink(c.email) }));
    return {
      title: "I'm sorry things are hard right now",
      message:
        "Thank you for telling me. You don't have to deal with this on your own, and it's OK to ask for help. These people can help now:",
      helpers,
      urgent: URGENT_HELP,
      privacy: SUPPORT_PRIVACY,
      contacts,
      raiseConcern: 'Raise a concern (with your name or anonymously)',
    };
  }

  /** Counts one answer shown: tenant and month only, no person, no text. */
  countShown(tenantId: string, now: Date): Promise<void> {
    return this.deps.answers.countShown(tenantId, now);
  }

  /** How often the answer was shown, per month; a month under the minimum group size shows no number. */
  async shownPerMonth(tenantId: string): Promise<{ month: string; count: number | null }[]> {
    const docs = await this.deps.answers.perMonth(tenantId);
    return docs.map((d) => ({
      month: d.month,
      count: isGroupLargeEnough(d.count, this.deps.config.MIN_GROUP_SIZE) ? d.count : null,
    }));
  }

  private async supervisorsOf(tenantId: string, person: PersonDoc): Promise<Contact[]> {
    const ids = await this.deps.supervisions.supervisorIdsOf(tenantId, person._id);
    if (ids.length === 0) return [];
    const people = await this.deps.people.byIds(tenantId, ids);
    return people.sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  private async leadsOf(tenantId: string, person: PersonDoc): Promise<Contact[]> {
    const cohortIds = [...new Set(person.cohortIds ?? (person.cohortId ? [person.cohortId] : []))];
    const leads = (await Promise.all(cohortIds.map((id) => this.deps.people.leadsOf(tenantId, id)))).flat();
    return leads.filter((p, i) => p._id !== person._id && leads.findIndex((o) => o._id === p._id) === i);
  }

  private async guardians(tenantId: string): Promise<Contact[]> {
    return this.deps.hosts.guardians(tenantId);
  }
}
