/**
 * The receiver's card (cards/concern-received.json) and the sender's reply card
 * (cards/concern-reply.json). Neither carries the sender's id: the receiver's card names the
 * sender only when they gave their name, and its buttons carry the concern's id alone.
 */
import { longDate } from './concern-deps.js';
import { TOPIC_LABELS } from './concern-input.js';
import type { ConcernDoc } from './concerns-repository.js';

/** Names of the people on a concern, looked up when drawn (an erased person has none). */
export type Names = ReadonlyMap<string, string>;
const LEFT = 'someone who has left';
export const nameIn = (names: Names, id: string | null) => (id && names.get(id)) || LEFT;

/** "Amira Fraser (Freedom to Speak Up guardian)", for each receiver. */
export const receiverLabels = (c: ConcernDoc, names: Names) =>
  c.receiverIds.map((id, i) => `${nameIn(names, id)} (${c.receiverRoles[i] ?? 'receiver'})`);

export function concernCardData(
  c: ConcernDoc,
  o: { cohortName: string; names: Names; zone?: string; error?: string },
) {
  const zone = o.zone ?? 'Europe/London';
  const status = c.acknowledgedAt
    ? `Acknowledged by ${nameIn(o.names, c.acknowledgedBy)} on ${longDate(c.acknowledgedAt, zone)}.`
    : 'Not acknowledged yet. The sender will be told when you acknowledge it.';
  return {
    concernId: c._id,
    title: c.anonymous ? 'An anonymous concern' : `A concern from ${c.senderName}`,
    from: c.anonymous
      ? 'Anonymous: the sender chose not to give their name. Your reply reaches them through the bot without telling you who they are.'
      : `${c.senderName}${o.cohortName ? ` (${o.cohortName})` : ''}`,
    topic: TOPIC_LABELS[c.topic],
    raised: longDate(c.createdAt, zone),
    sentTo: receiverLabels(c, o.names).join(', '),
    text: c.text,
    status,
    acknowledged: c.acknowledgedAt !== null,
    replies: c.replies.map((r) => ({
      title: `${nameIn(o.names, r.authorId)}, ${longDate(r.at, zone)}`,
      value: r.text,
    })),
    error: o.error ?? '',
  };
}

/** `by`: the name of the receiver who acknowledged or replied (the person pressing). */
export function replyCardData(c: ConcernDoc, by: string, reply: { text: string } | null) {
  const topic = TOPIC_LABELS[c.topic].split(' (')[0]!.toLowerCase();
  return reply
    ? {
        title: 'A reply to your concern',
        message: `${by} replied to the concern you raised on ${longDate(c.createdAt)} (${topic}).`,
        reply: reply.text,
        privacy: c.anonymous
          ? 'Your concern is still anonymous: they do not know who you are.'
          : 'You gave your name with this concern.',
      }
    : {
        title: 'Your concern has been read',
        message: `${by} has read the concern you raised on ${longDate(c.createdAt)} (${topic}) and will come back to you here.`,
        reply: '',
        privacy: c.anonymous
          ? 'Your concern is still anonymous: they do not know who you are.'
          : 'You gave your name with this concern.',
      };
}
