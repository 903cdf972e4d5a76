/**
 * `delete my data` after the person confirmed: the erasure searches every registered collection
 * and takes longer than Teams waits for a card action's answer (5 s) on a big or busy database.
 * So the button is answered at once ("deleting…"), the erasure runs after it, and the person is
 * told in the chat when it is done.
 *
 * The request is written on the person's own record first (`erasureRequestedAt`); that record
 * is the last thing an erasure deletes, so an erasure cut short (a restart) is still on record
 * and the recurring job finishes it. The "done" message is sent straight to the Bot Connector
 * with the address the person confirmed from, kept in memory only: nothing stored names them.
 */
import type { Logger } from '../../logger.js';
import { collections } from '../../storage/collections.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { PersonalData } from './personal-data.js';
import type { PersonalRecordsRepository } from './personal-records-repository.js';

/** An erasure requested this long ago and still on record was cut short: the job finishes it. */
export const STALE_ERASURE_MS = 10 * 60 * 1000;

/** Where the "done" message goes: the personal chat the person confirmed from. */
export interface ErasureAddress {
  serviceUrl: string;
  conversationId: string;
}

export interface ErasureRequestsDeps {
  logger: Logger;
  personalData: PersonalData;
  personalRecords: PersonalRecordsRepository;
  /** Sends one message to a conversation, without storing it. */
  tell: (address: ErasureAddress, text: string) => Promise<void>;
}

export class ErasureRequests {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: ErasureRequestsDeps) {}

  /** Records the request, then erases in the background and says `doneText` when finished. */
  async request(
    tenantId: string,
    person: PersonDoc,
    now: Date,
    address: ErasureAddress | null,
    doneText: string,
  ): Promise<void> {
    await this.deps.personalRecords.setFields(collections.people, person._id, { erasureRequestedAt: now });
    this.start(tenantId, person, now, async () => {
      if (!address) return;
      // Erased all the same; nothing about the person is left to retry the message with.
      await this.deps
        .tell(address, doneText)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err: (err as Error)?.name },
            'data-protection: could not say the erasure is done',
          ),
        );
    });
  }

  /** Erasures requested before `now - STALE_ERASURE_MS` that are not running here: finished now. */
  async resumeStale(now: Date): Promise<number> {
    const stale = await this.deps.personalRecords.erasureRequestedBefore(
      new Date(now.getTime() - STALE_ERASURE_MS),
    );
    let resumed = 0;
    for (const person of stale) {
      if (this.running.has(person._id)) continue;
      this.start(person.tenantId, person, now, async () => undefined);
      await this.running.get(person._id);
      resumed++;
    }
    return resumed;
  }

  /** Resolves when no erasure started here is still running (a graceful stop waits for this). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private start(tenantId: string, person: PersonDoc, now: Date, done: () => Promise<void>): void {
    if (this.running.has(person._id)) return;
    const work = (async () => {
      try {
        await this.deps.personalData.erase(tenantId, person, now, { actorId: person._id, via: 'chat' });
        await done();
      } catch (err) {
        // Still on record (the person's document goes last): the recurring job tries again.
        this.deps.logger.warn({ err: (err as Error)?.name }, 'data-protection: erasure did not finish');
      } finally {
        this.running.delete(person._id);
      }
    })();
    this.running.set(person._id, work);
  }
}
