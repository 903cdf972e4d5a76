/**
 * Raising a concern (issue 28, item 4): anyone known to the bot raises a concern about safety,
 * conduct or their placement, named or anonymous, with the trust's receivers (the cohort's
 * practice education lead, the Freedom to Speak Up guardian), never their supervisor unless
 * they choose; receivers acknowledge and reply through the bot. Design:
 * docs/decisions/0009-anonymous-concerns.md.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConcernDeps } from './concern-deps.js';
import { TOPIC_LABELS } from './concern-input.js';
import type { JourneyConcern, NamedConcerns } from './ports.js';
import { RaiseConcern } from './raise-concern.js';
import { RespondToConcern } from './respond-to-concern.js';

export class ConcernService implements NamedConcerns {
  private readonly raise: RaiseConcern;
  private readonly respond: RespondToConcern;

  constructor(private readonly d: ConcernDeps) {
    this.raise = new RaiseConcern(d);
    this.respond = new RespondToConcern(d);
  }

  /** The concern form's card. */
  async formCard(tenantId: string, person: PersonDoc) {
    return this.d.cards.render('concern-form', await this.raise.formData(tenantId, person));
  }

  submit(tenantId: string, person: PersonDoc, data: unknown) {
    return this.raise.submit(tenantId, person, data);
  }

  view(tenantId: string, person: PersonDoc, data: unknown) {
    return this.respond.view(tenantId, person, data);
  }

  acknowledge(tenantId: string, person: PersonDoc, data: unknown) {
    return this.respond.acknowledge(tenantId, person, data);
  }

  reply(tenantId: string, person: PersonDoc, data: unknown) {
    return this.respond.reply(tenantId, person, data);
  }

  async namedConcernsOf(tenantId: string, studentId: string): Promise<JourneyConcern[]> {
    const concerns = await this.d.repo.namedBy(tenantId, studentId);
    return concerns.map((c) => ({
      date: c.createdAt.toISOString().slice(0, 10),
      topic: TOPIC_LABELS[c.topic].split(' (')[0]!,
      outcome: c.replies.length > 0 ? 'Replied to' : c.acknowledgedAt ? 'Acknowledged' : 'Sent',
    }));
  }
}
