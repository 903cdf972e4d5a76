/**
 * A student comments on an action they agreed in supervision, from the notes card
 * (`supervision.action.comment`): the comment is kept on the action and the supervisor who
 * recorded the session is told. Once per (action, author, text): a double click or a Teams
 * retry adds nothing and tells nobody twice (a claim, then the outbox key).
 */
import { createHash } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import { formatZodIssues, safeText } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionDeps } from './supervision-deps.js';

export const ACTION_COMMENT_REFUSED = 'You can only comment on actions you agreed to in supervision.';

export class ActionComments {
  constructor(private readonly s: SupervisionDeps) {}

  async comment(tenantId: string, viewer: PersonDoc, data: unknown): Promise<string> {
    const d = (data ?? {}) as { actionId?: unknown; comment?: unknown };
    const action =
      typeof d.actionId === 'string' && d.actionId.length < 300
        ? await this.s.repo.actionById(tenantId, d.actionId)
        : null;
    const now = this.s.clock.now();
    // The owner only: a comment on "how it is going" is theirs to make.
    if (!action || !can(viewer, 'supervision.action.comment', { personId: action.ownerId })) {
      await this.s.audit.record(
        tenantId,
        {
          actorId: viewer._id,
          action: 'supervision.action.comment',
          targetId: action?._id ?? null,
          outcome: 'refused',
        },
        now,
      );
      return ACTION_COMMENT_REFUSED;
    }
    const parsed = safeText(1000, { min: 1 }).safeParse(d.comment);
    if (!parsed.success)
      return `Comment not sent: ${formatZodIssues(parsed.error)._form ?? 'write a comment of up to 1000 characters'}.`;
    const commentId = createHash('sha256')
      .update(`${viewer._id}|${parsed.data}`)
      .digest('base64url')
      .slice(0, 16);
    const supervisor = await this.s.people.byId(tenantId, action.supervisorId);
    if (await this.s.claims.take('supervision.action.comment', `${action._id}|${commentId}`)) {
      await this.s.repo.addActionComment(tenantId, action._id, {
        id: commentId,
        authorId: viewer._id,
        text: parsed.data,
        at: now,
      });
      if (supervisor)
        await this.s.outbox.enqueue(
          tenantId,
          [
            {
              dedupeKey: `supervision.action.comment|${action._id}|${commentId}`,
              purpose: 'supervision.action.comment',
              target: { kind: 'person', personId: supervisor._id },
              activity: this.s.cards.activity(
                'notice',
                {
                  title: `${viewer.displayName} commented on an agreed action`,
                  message: `“${action.text}”: ${parsed.data}`,
                },
                `${viewer.displayName} commented on an agreed action`,
              ),
            },
          ],
          now,
        );
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'supervision.action.comment', targetId: action._id },
        now,
      );
    }
    return `Comment sent to ${supervisor?.displayName ?? 'your supervisor'}.`;
  }
}
