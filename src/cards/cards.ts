/**
 * Adaptive Card templates from cards/, expanded with adaptivecards-templating.
 * Templates are read once and cached. A card over Teams' message size budget is an error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { timedSync } from '../http/turn-timings.js';
import { packageRoot } from '../package-root.js';

/** An expanded Adaptive Card (the JSON Teams renders). */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  // Card JSON is open-ended: templates decide its shape.
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** A card as a message attachment. */
export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: AdaptiveCard;
}

export function cardAttachment(card: AdaptiveCard): CardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

export const cardsDir = path.join(packageRoot, 'cards');
export const MAX_CARD_BYTES = 80 * 1024;

export class Cards {
  private readonly templates = new Map<string, ACData.Template>();

  constructor(private readonly dir = cardsDir) {}

  /** The expanded card JSON. */
  render(name: string, data: object): AdaptiveCard {
    return timedSync('render', () => this.expand(name, data));
  }

  private expand(name: string, data: object): AdaptiveCard {
    let template = this.templates.get(name);
    if (!template) {
      const json = JSON.parse(readFileSync(path.join(this.dir, `${name}.json`), 'utf8'));
      template = new ACData.Template(json);
      this.templates.set(name, template);
    }
    const card = template.expand({ $root: data }) as AdaptiveCard;
    const bytes = Buffer.byteLength(JSON.stringify(card));
    if (bytes > MAX_CARD_BYTES)
      throw new Error(`card '${name}' is ${bytes} bytes, over the ${MAX_CARD_BYTES} byte limit`);
    return card;
  }

  attachment(name: string, data: object): CardAttachment {
    return cardAttachment(this.render(name, data));
  }

  /** A message activity carrying one card, ready for the outbox. */
  activity(name: string, data: object, summary?: string): Record<string, unknown> {
    // Stored in the outbox: MongoDB-wire databases (FerretDB) refuse keys starting with '$'.
    const { $schema: _schema, ...card } = this.render(name, data) as AdaptiveCard & { $schema?: string };
    return { type: 'message', summary, attachments: [cardAttachment(card as AdaptiveCard)] };
  }
}
