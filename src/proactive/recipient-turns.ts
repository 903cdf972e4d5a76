import type { OutboxItem } from './outbox.js';

/**
 * Items for one recipient run one at a time, in the order they were taken from the queue,
 * so an edit and a recall (or two edits) reach Teams in the order they were made.
 */
export class RecipientTurns {
  private readonly turns = new Map<string, Promise<void>>();

  async run(item: OutboxItem, work: () => Promise<void>): Promise<void> {
    const key = item.target.kind === 'person' ? `p:${item.target.personId}` : `c:${item.target.key}`;
    const previous = this.turns.get(key);
    const mine = (previous ?? Promise.resolve()).then(work, work);
    const settled = mine.catch(() => undefined);
    this.turns.set(key, settled);
    try {
      await mine;
    } finally {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    }
  }
}
