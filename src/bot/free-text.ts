/**
 * What the bot does with typed text that is not an exact command (src/understanding reads it):
 * words of distress get the kind answer (from any role, before any route, never a model);
 * a confident reading runs the command as if typed; otherwise the two or three likeliest
 * commands are offered as buttons, unless the optional coach (src/coach, off by default) picks
 * one of them. Exact command words never reach the classifier, and distress never the coach.
 */
import type { TurnContext } from 'botbuilder';
import type { Services } from '../services.js';
import { withEntities } from '../understanding/entities.js';
import { normaliseText } from '../understanding/intent-classifier.js';
import type { Understanding } from '../understanding/understanding.js';
import { scopeOf } from '../feature-kit/commands.js';
import { turnPerson, turnTenantId } from './turn-person.js';

export const NOT_SURE_MESSAGE = "I'm not sure I understood. Did you mean one of these?";
export const NOTHING_MATCHED_MESSAGE =
  "I'm not sure what you need yet. You can write to me in your own words, or pick one of these:";
/**
 * Under every "not sure" reply: distress the phrase list missed must still find a way to help,
 * and saying so takes one more message, not a search.
 */
export const SUPPORT_LINE = "If things are hard right now, just tell me and I'll say who can help.";
/** Commands that need a value typed after them; free text reaches them through a sibling. */
const PARAMETERISED = /<[^>]+>/;
const EMAIL = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;

/** The plain text of a message, or null when it carries none (a card submit, a file). */
export function typedText(context: TurnContext): string | null {
  if (context.activity.type !== 'message' || typeof context.activity.text !== 'string') return null;
  const text = normaliseText(context.activity.text);
  return text.length > 0 ? text : null;
}

export class FreeText {
  constructor(
    private readonly services: Services,
    private readonly understanding: Understanding,
  ) {}

  /** The kind answer, when the text needs it. True when it was sent. */
  async answerDistress(context: TurnContext): Promise<boolean> {
    const text = typedText(context);
    if (!text || !this.understanding.isDistress(text)) return false;
    // The exact command `raise a concern` opens its form (which names who can help) at once.
    if (this.isExactCommand(text)) return false;
    await this.answerDistressNow(context);
    return true;
  }

  private isExactCommand(text: string): boolean {
    const typed = text.trim().toLowerCase();
    return this.services.commands.all().some((c) => c.command.toLowerCase() === typed);
  }

  /**
   * Reads text no route took. Returns the command to run as if typed, or null when this
   * answered itself (greeting, thanks, suggestions).
   */
  async read(context: TurnContext): Promise<string | null> {
    const text = typedText(context);
    if (!text) return null;
    const person = turnPerson(context);
    const available = this.services.commands.for(
      person.roles,
      scopeOf(context.activity.conversation?.conversationType),
    );
    const allowed = available.map((c) => c.command);
    const reading = await this.understanding.read(text, allowed);
    if (reading.kind === 'suggest' || reading.kind === 'unknown') {
      // The optional coach (off by default) may place what the intent model could not, choosing
      // only among this person's own commands; when it cannot, or is slow, the suggestions stand.
      const chosen = await this.services.coach.chooseCommand(
        turnTenantId(context),
        person._id,
        text,
        available
          .filter((c) => !PARAMETERISED.test(c.command))
          .map((c) => ({ command: c.command, description: c.description })),
      );
      if (chosen) return withEntities(chosen, text);
    }
    const first = person.displayName.split(' ')[0] || person.displayName;
    switch (reading.kind) {
      case 'support':
        await this.answerDistressNow(context);
        return null;
      case 'hello':
        await this.suggest(
          context,
          `Hello ${first}! What would you like to do? You can just write, for example "can I do my check in", or pick one:`,
          this.starters(allowed),
        );
        return null;
      case 'thanks':
        await context.sendActivity("You're welcome. I'm here whenever you need me.");
        return null;
      case 'command':
        if (!PARAMETERISED.test(reading.command)) return withEntities(reading.command, text);
        return this.withValue(context, reading.command, text);
      case 'suggest':
        await this.suggest(context, NOT_SURE_MESSAGE, reading.commands);
        return null;
      case 'unknown':
        await this.suggest(context, NOTHING_MATCHED_MESSAGE, this.starters(allowed));
        return null;
    }
  }

  private async answerDistressNow(context: TurnContext) {
    const tenantId = turnTenantId(context);
    const data = await this.services.support.helpCardData(tenantId, turnPerson(context));
    await context.sendActivity({
      summary: data.title,
      attachments: [this.services.cards.attachment('support-help', data)],
    });
    await this.services.support.countShown(tenantId, this.services.clock.now());
  }

  /** "export journey <student email>": the email from the text, else how to type it. */
  private async withValue(context: TurnContext, command: string, text: string): Promise<string | null> {
    const email = EMAIL.exec(text)?.[0];
    const [head] = command.split('<');
    if (email) return `${head!.trim()} ${email}`;
    await context.sendActivity(
      `Please type **${command}**, with the email address in place of ${command.slice(head!.length)}.`,
    );
    return null;
  }

  private starters(allowed: string[]) {
    const usable = allowed.filter((c) => !PARAMETERISED.test(c));
    return [...usable.filter((c) => c !== 'help').slice(0, 2), 'help'];
  }

  /** Text and buttons that type the command for the person (imBack); the text names them too, for channels. */
  private async suggest(context: TurnContext, message: string, commands: string[]) {
    const clickable = commands.filter((c) => !PARAMETERISED.test(c));
    const listed = commands.map((c) => `**${c}**`).join(', ');
    await context.sendActivity({
      type: 'message',
      text: `${message} ${listed}\n\n${SUPPORT_LINE}`,
      suggestedActions: {
        to: [],
        actions: clickable.map((c) => ({ type: 'imBack', title: c, value: c })),
      },
    });
  }
}
