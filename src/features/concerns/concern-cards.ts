/**
 * The receiver's card (cards/concern-received.json) and the sender's reply card
 * (cards/concern-reply.json). Neither carries the sender's id: the receiver's card names the
 * sender only when they gave their name, and its buttons carry the concern's id alone.
 */
import { longDate } from './concern-deps.js';
import { TOPIC_LABELS } from './concern-input.js';
import type { ConcernDoc } from './concerns-repository.js';

export function concernCardData(c: ConcernDoc, o: { cohortName: string; zone?: string; error?: string }) {
  const zone = o.zone ?? 'Europe/London';
  const status = c.acknowledgedAt
    ? `Acknowledged by ${c.acknowledgedByName} on ${longDate(c.acknowledgedAt, zone)}.`
    : 'Not acknowledged yet. The sender will be told when you acknowledge it.';
  return {
    concernId: c._id,
    title: c.anonymous ? 'An anonymous concern' : `A concern from ${c.senderName}`,
    from: c.anonymous
      ? 'Anonymous: the sender chose not to give their name. Your reply reaches them through the bot without telling you who they are.'
      : `${c.senderName}${o.cohortName ? ` (${o.cohortName})` : ''}`,
    topic: TOPIC_LABELS[c.topic],
    raised: longDate(c.createdAt, zone),
    sentTo: c.receiverNames.join(', '),
    text: c.text,
    status,
    acknowledged: c.acknowledgedAt !== null,
    replies: c.replies.map((r) => ({ title: `${r.authorName}, ${longDate(r.at, zone)}`, value: r.text })),
    error: o.error ?? '',
  };
}

export function replyCardData(c: ConcernDoc, reply: { authorName: string; text: string } | null) {
  const topic = TOPIC_LABELS[c.topic].split(' (')[0]!.toLowerCase();
  return reply
    ? {
        title: 'A reply to your concern',
        message: `${reply.authorName} replied to the concern you raised on ${longDate(c.createdAt)} (${topic}).`,
        reply: reply.text,
        privacy: c.anonymous
          ? 'Your concern is still anonymous: they do not know who you are.'
          : 'You gave your name with this concern.',
      }
    : {
        title: 'Your concern has been read',
        message: `${c.acknowledgedByName} has read the concern you raised on ${longDate(c.createdAt)} (${topic}) and will come back to you here.`,
        reply: '',
        privacy: c.anonymous
          ? 'Your concern is still anonymous: they do not know who you are.'
          : 'You gave your name with this concern.',
      };
}
