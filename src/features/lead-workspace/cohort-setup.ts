/**
 * Create and edit a cohort (name, calendar, supervision slot, time zone, check-in times,
 * safeguarding) and its non-placement days. Each change re-plans the cohort's check-ins, so a
 * prompt planned for a day that is now non-placement moves.
 */
import { can } from '../../domain/authorization.js';
import { endDate, formatDate } from '../../domain/placement-calendar.js';
import { safeguardingSettings } from '../../domain/safeguarding.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { CohortDoc, CohortSettings } from '../../storage/cohorts-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinSettingsOf } from './ports.js';
import {
  forbidden,
  idOf,
  invalid,
  NOT_A_LEAD,
  type Outcome,
  type WorkspaceContext,
} from './workspace-context.js';
import { parseCohortForm, parseNonPlacementDate } from './cohort-form-input.js';

export class CohortSetup {
  constructor(private readonly ctx: WorkspaceContext) {}

  /**
   * Creates (no `cohortId`; `requestId` makes a retried submit land on the same cohort) or
   * edits a cohort's name, calendar and check-in times, then re-plans its check-ins.
   */
  async saveCohort(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    const cohortId = idOf(data, 'cohortId');
    const existing = cohortId
      ? await this.ctx.cohortFor(tenantId, actor, cohortId, 'cohort.manage', 'workspace.cohort.edit')
      : null;
    if (existing && !existing.ok) return existing;
    if (!existing && !can(actor, 'cohort.create')) {
      await this.ctx.audit(tenantId, actor, 'workspace.cohort.create', null, {}, 'refused');
      return forbidden(NOT_A_LEAD);
    }
    const stored = existing?.ok ? existing.cohort : null;
    const parsed = parseCohortForm(data, stored?.nonPlacementDates ?? []);
    if (!parsed.ok) return invalid(parsed.errors);
    const { name, calendar, checkins, safeguarding } = parsed.value;
    const settings: CohortSettings = {
      name,
      startDate: calendar.startDate,
      weeks: calendar.weeks,
      clinicalDays: calendar.clinicalDays,
      leadershipDays: calendar.leadershipDays,
      supervision: calendar.supervision,
      timeZone: calendar.timeZone,
      checkins,
      safeguarding,
    };
    const sameName = await this.ctx.deps.cohorts.byName(tenantId, name);
    const now = this.ctx.now();

    if (stored) {
      if (sameName && sameName._id !== stored._id)
        return invalid({ name: 'Another cohort already has this name; choose a different one' });
      // Dates already marked non-placement must stay inside the placement.
      const outside = stored.nonPlacementDates.filter((d) => d < calendar.startDate || d > endDate(calendar));
      if (outside.length > 0)
        return invalid({
          weeks: `The non-placement day ${formatDate(outside[0]!)} would fall outside the placement; remove it first or keep the dates`,
        });
      const changed = changedFields(stored, settings, this.ctx.deps.checkinSettings);
      if (changed.length === 0)
        return {
          ok: true,
          value: stored,
          notice: 'Nothing to change: the cohort is already set up like this.',
        };
      let updated: CohortDoc;
      try {
        updated = (await this.ctx.deps.cohorts.updateSettings(tenantId, stored._id, settings, now))!;
      } catch (err) {
        // Another lead took the name a moment ago (the unique tenant + name index decides).
        if (isDuplicateKeyError(err))
          return invalid({ name: 'Another cohort already has this name; choose a different one' });
        throw err;
      }
      await this.ctx.audit(tenantId, actor, 'workspace.cohort.edit', stored._id, {
        fields: changed.join(','),
      });
      await this.ctx.deps.checkins.planOne(updated, now);
      return { ok: true, value: updated, notice: `${updated.name} is saved.` };
    }

    const requestId = idOf(data, 'requestId');
    if (!requestId)
      return invalid({ [FORM_ERROR_KEY]: 'This form is out of date. Type "manage cohorts" for a new one.' });
    const newId = tenantDocId(
      tenantId,
      'cohort',
      requestId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'x',
    );
    if (sameName && sameName._id !== newId)
      return invalid({ name: 'A cohort with this name already exists; choose a different one' });
    const outcome = await this.ctx.deps.cohorts.createCohort(
      tenantId,
      newId,
      { ...settings, nonPlacementDates: [] },
      now,
    );
    if (outcome === 'name-taken')
      return invalid({ name: 'A cohort with this name already exists; choose a different one' });
    const created = (await this.ctx.deps.cohorts.byId(tenantId, newId))!;
    if (outcome === 'inserted') {
      await this.attachLead(tenantId, actor, created._id, now);
      await this.ctx.audit(tenantId, actor, 'workspace.cohort.create', created._id, { weeks: created.weeks });
      await this.ctx.deps.checkins.planOne(created, now);
    }
    return {
      ok: true,
      value: created,
      notice: `${created.name} is set up. Now add its students and supervisors.`,
    };
  }

  /** The creator of a cohort leads it (admins lead every cohort already). */
  private async attachLead(tenantId: string, actor: PersonDoc, cohortId: string, now: Date) {
    if (can(actor, 'cohort.manage', { cohortId })) return;
    const updated = await this.ctx.deps.people.attachToCohort(tenantId, actor, cohortId, true, now);
    if (updated)
      Object.assign(actor, {
        cohortId: updated.cohortId,
        cohortIds: updated.cohortIds,
        leadCohortIds: updated.leadCohortIds,
      });
  }

  /** Marks one day of the placement non-placement (study day): no check-in prompt that day. */
  async addNonPlacementDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    const found = await this.ctx.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.manage',
      'workspace.cohort.day.add',
    );
    if (!found.ok) return found;
    const parsed = parseNonPlacementDate(data, found.cohort);
    if (!parsed.ok) return invalid(parsed.errors);
    const date = parsed.value;
    if (found.cohort.nonPlacementDates.includes(date))
      return { ok: true, value: found.cohort, notice: `${formatDate(date)} is already a non-placement day.` };
    const now = this.ctx.now();
    const updated = (await this.ctx.deps.cohorts.addNonPlacementDates(
      tenantId,
      found.cohort._id,
      [date],
      now,
    ))!;
    await this.ctx.audit(tenantId, actor, 'workspace.cohort.day.add', updated._id, { date });
    await this.ctx.deps.checkins.planOne(updated, now);
    return {
      ok: true,
      value: updated,
      notice: `${formatDate(date)} is now a non-placement day: check-in prompts move to the next placement day.`,
    };
  }

  async removeNonPlacementDay(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
  ): Promise<Outcome<CohortDoc>> {
    const found = await this.ctx.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.manage',
      'workspace.cohort.day.remove',
    );
    if (!found.ok) return found;
    const date = idOf(data, 'date');
    if (!date || !found.cohort.nonPlacementDates.includes(date))
      return { ok: true, value: found.cohort, notice: 'That day is a placement day already.' };
    const now = this.ctx.now();
    const updated = (await this.ctx.deps.cohorts.removeNonPlacementDates(
      tenantId,
      found.cohort._id,
      [date],
      now,
    ))!;
    await this.ctx.audit(tenantId, actor, 'workspace.cohort.day.remove', updated._id, { date });
    await this.ctx.deps.checkins.planOne(updated, now);
    return { ok: true, value: updated, notice: `${formatDate(date)} is a placement day again.` };
  }
}

function changedFields(
  stored: CohortDoc,
  next: CohortSettings,
  checkinSettings: CheckinSettingsOf,
): string[] {
  const current: CohortSettings = {
    name: stored.name,
    startDate: stored.startDate,
    weeks: stored.weeks,
    clinicalDays: stored.clinicalDays,
    leadershipDays: stored.leadershipDays,
    supervision: stored.supervision,
    timeZone: stored.timeZone,
    checkins: { ...checkinSettings(stored) },
    safeguarding: safeguardingSettings(stored),
  };
  return (Object.keys(next) as (keyof CohortSettings)[]).filter(
    (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
  );
}
