/**
 * Supervision sessions with agreed actions: `record supervision`, `my students`, the
 * session card, Done / Not yet / Carry over on actions (check-in card, summary, my students),
 * and the hourly escalation job on the shared scheduler.
 */
import type { Feature } from '../feature.js';

const HOUR_MS = 60 * 60 * 1000;

/** Student ids a button names ("id" or "id1,id2"), as strings only. */
function idsOf(data: unknown): string[] {
  const raw = (data as { studentIds?: unknown } | null)?.studentIds;
  return typeof raw === 'string' && raw.length < 4000
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export const supervisionFeature: Feature = {
  name: 'supervision',
  register(routes, services) {
    const supervision = services.supervision;
    services.commands.add({
      command: 'record supervision',
      description: 'Record a supervision session (one student or a group) and the actions agreed',
      roles: ['supervisor'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my students',
      description: "Your students: this week's check-in, open actions and shared reflections",
      roles: ['supervisor'],
      scopes: ['personal'],
    });

    routes.message(/^\s*record\s+(a\s+)?(group\s+)?supervision(\s+session)?\s*$/i, async (turn) =>
      turn.send(await supervision.sessionCard(turn.tenantId, turn.person)),
    );
    routes.message(/^\s*my\s+(students|supervisees)\s*$/i, async (turn) =>
      turn.send(await supervision.myStudents(turn.tenantId, turn.person)),
    );

    // From a summary or `my students`: the session card arrives as a new message, so the
    // card the button was on stays as it is.
    routes.cardAction('supervision.session.open', async (turn, data) => {
      const week = Number((data as { week?: unknown } | null)?.week);
      const card = await supervision.sessionCard(turn.tenantId, turn.person, {
        studentIds: idsOf(data),
        week: Number.isInteger(week) ? week : undefined,
      });
      if (typeof card === 'string') return card;
      await turn.send(card);
      return 'The supervision record is below: fill it in after the session.';
    });
    routes.cardAction('supervision.session.record', (turn, data) =>
      supervision.recordSession(turn.tenantId, turn.person, data),
    );
    routes.cardAction('supervision.action.update', (turn, data) =>
      supervision.updateAction(turn.tenantId, turn.person, data),
    );
    routes.cardAction('supervision.action.comment', (turn, data) =>
      supervision.actionComments.comment(turn.tenantId, turn.person, data),
    );
    routes.cardAction('supervision.students', (turn) => supervision.myStudents(turn.tenantId, turn.person));

    // The lead's escalation card: its refresh, Mark handled, and Pause (the form below it).
    routes.cardAction('escalation.view', (turn, data) =>
      supervision.escalationActions.view(turn.tenantId, turn.person, data),
    );
    routes.cardAction('escalation.handle', (turn, data) =>
      supervision.escalationActions.handle(turn.tenantId, turn.person, data),
    );
    routes.cardAction('escalation.pause', async (turn, data) => {
      const card = await supervision.escalationActions.pauseForm(turn.tenantId, turn.person, data);
      if (typeof card === 'string') return card;
      await turn.send(card);
      return 'The pause form is below, with the student chosen.';
    });

    services.scheduler.every('supervision.escalations', HOUR_MS, async ({ now }) => {
      await supervision.escalations.run(now);
    });
  },
};
