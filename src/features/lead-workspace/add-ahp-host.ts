/** Adds (or updates) an AHP host in the directory, so students can book conversations. */
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { forbidden, invalid, NOT_A_LEAD, type Outcome, type WorkspaceContext } from './workspace-context.js';
import { parseHostForm } from './people-form-input.js';

export class AddAhpHost {
  constructor(private readonly ctx: WorkspaceContext) {}

  async run(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<{ hostId: string }>> {
    if (!can(actor, 'directory.host.add')) {
      await this.ctx.audit(tenantId, actor, 'workspace.host.add', null, {}, 'refused');
      return forbidden(NOT_A_LEAD);
    }
    const parsed = parseHostForm(data);
    if (!parsed.ok) return invalid(parsed.errors);
    const h = parsed.value;
    const existing = await this.ctx.deps.people.byEmail(tenantId, h.email);
    if (existing?.roles.includes('student'))
      return invalid({ email: 'This address belongs to a student; an AHP host needs their own address' });
    const now = this.ctx.now();
    const person = await this.ctx.deps.people.addRoleByEmail(
      tenantId,
      h.email,
      'ahp-host',
      { displayName: h.displayName, profession: h.profession },
      now,
    );
    const outcome = await this.ctx.deps.hosts.upsertByEmail(
      tenantId,
      {
        email: h.email,
        displayName: h.displayName,
        profession: h.profession,
        roleType: h.roleType,
        bio: h.bio,
        location: h.location,
        weeklyCap: h.weeklyCap,
        personId: person.id,
      },
      now,
    );
    const host = (await this.ctx.deps.hosts.byEmail(tenantId, h.email))!;
    if (outcome !== 'unchanged')
      await this.ctx.audit(tenantId, actor, 'workspace.host.add', host._id, { outcome });
    return {
      ok: true,
      value: { hostId: host._id },
      notice: `${h.displayName} is in the AHP directory: students can book 20-minute conversations with them once they publish slots.`,
    };
  }
}
