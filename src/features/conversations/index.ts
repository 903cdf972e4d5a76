/**
 * 20-minute conversations: `book a conversation` (students), `my slots` and
 * `my host profile` (AHP hosts), `conversations report` (leads); card actions for booking,
 * moving, cancelling and marking held / no-show; reminder and follow-up jobs; the .ics link.
 */
import { hostWishIn } from '../../domain/host-wish.js';
import type { Reply, Turn } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Feature } from '../feature.js';
import { JOB_AFTER, JOB_REMINDER } from './follow-ups.js';

export const conversationsFeature: Feature = {
  name: 'conversations',
  register(routes, services) {
    const conversations = services.conversations;

    services.commands.add({
      command: 'book a conversation',
      description: 'Book a 20-minute conversation with an AHP in a role you have not met yet',
      roles: ['student'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my bookings',
      description: 'See, move or cancel your 20-minute conversations',
      roles: ['student', 'ahp-host'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my slots',
      description: 'Publish and manage your 20-minute conversation slots',
      roles: ['ahp-host'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my host profile',
      description: 'Edit what students see about you: bio, location, online link, weekly cap',
      roles: ['ahp-host'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'conversations report',
      description: '20-minute conversations per cohort: held, professions covered, who has not booked',
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });

    const command = (pattern: RegExp, run: (tenantId: string, person: PersonDoc) => Promise<Reply>) =>
      routes.message(pattern, async (turn: Turn) => turn.send(await run(turn.tenantId, turn.person)));
    command(/^\s*book\s+(a\s+)?conversations?\s*$/i, (t, p) => conversations.bookingCard(t, p));
    // "book me a chat with someone from physio" (src/understanding/entities.ts): those hosts first.
    routes.message(/^\s*book\s+(a\s+)?(conversations?|chat)\s+with\s+\S.*$/i, async (turn) => {
      const wish = hostWishIn(turn.text.replace(/^\s*book\s+(a\s+)?(conversations?|chat)\s+/i, ''));
      await turn.send(await conversations.bookingCard(turn.tenantId, turn.person, wish));
    });
    command(/^\s*my\s+(bookings?|conversations)\s*$/i, (t, p) => conversations.myBookings(t, p));
    command(/^\s*my\s+slots\s*$/i, (t, p) => conversations.slotsCard(t, p));
    command(/^\s*my\s+host\s+profile\s*$/i, (t, p) => conversations.hostProfileCard(t, p));
    command(/^\s*conversations?\s+report\s*$/i, (t, p) => conversations.report(t, p));

    const execute = (
      verb: string,
      run: (tenantId: string, person: PersonDoc, data: unknown) => Promise<Reply>,
    ) => routes.cardAction<unknown>(verb, async (turn, data) => run(turn.tenantId, turn.person, data));

    execute('conv.browse', (t, p, d) => conversations.browse(t, p, d));
    execute('conv.mybookings', (t, p) => conversations.myBookings(t, p));
    execute('conv.book', (t, p, d) => conversations.bookFromCard(t, p, d));
    execute('conv.cancel', (t, p, d) => conversations.cancelFromCard(t, p, d));
    execute('conv.reschedule.start', (t, p, d) => conversations.rescheduleStart(t, p, d));
    execute('conv.held', (t, p, d) => conversations.markOutcome(t, p, d, 'held'));
    execute('conv.noshow', (t, p, d) => conversations.markOutcome(t, p, d, 'no-show'));
    execute('conv.note.save', (t, p, d) => conversations.saveNote(t, p, d));
    execute('conv.profile.save', (t, p, d) => conversations.saveHostProfile(t, p, d));
    execute('conv.slots.publish', async (t, p, d) => (await conversations.publishSlots(t, p, d)).card);
    execute('conv.slot.withdraw', (t, p, d) => conversations.withdrawSlot(t, p, d));
    execute('conv.slots.block', (t, p, d) => conversations.blockDate(t, p, d));
    execute('conv.slots.unblock', (t, p, d) => conversations.blockDate(t, p, d, true));

    services.scheduler.define(JOB_REMINDER, (job) => conversations.runReminder(job));
    services.scheduler.define(JOB_AFTER, (job) => conversations.runAfter(job));
  },

  registerHttp(server, services) {
    // The "Add to calendar" link: the booking id plus its unguessable token.
    server.get('/conversations/:bookingId/calendar.ics', async (req, res) => {
      const bookingId = String(req.params.bookingId ?? '');
      const token = typeof req.query?.t === 'string' ? req.query.t : '';
      const ics = await services.conversations.ics(bookingId, token).catch(() => null);
      if (!ics) {
        res.send(404, { error: 'not_found' });
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': 'attachment; filename="conversation.ics"',
        'cache-control': 'no-store',
      });
      res.end(ics);
    });
  },
};
