/**
 * What the cards and the Manage page show of a cohort: its calendar, check-in times, students
 * with their supervisors, and the stored settings as the edit form's values.
 */
import { formatDate, placementDatesText } from '../../domain/placement-calendar.js';
import { safeguardingSettings, safeguardingText } from '../../domain/safeguarding.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinSettingsOf } from './ports.js';
import type { CohortView } from '../../web/api-types.js';
import type { Outcome, WorkspaceContext } from './workspace-context.js';

export type { CohortView } from '../../web/api-types.js';

export class CohortViews {
  constructor(private readonly ctx: WorkspaceContext) {}

  async view(tenantId: string, actor: PersonDoc, cohortId: string | null): Promise<Outcome<CohortView>> {
    const found = await this.ctx.cohortFor(
      tenantId,
      actor,
      cohortId,
      'cohort.manage',
      'workspace.cohort.view',
    );
    if (!found.ok) return found;
    return { ok: true, value: await this.cohortView(tenantId, found.cohort), notice: '' };
  }

  async cohortView(tenantId: string, cohort: CohortDoc): Promise<CohortView> {
    const members = await this.ctx.deps.people.inCohort(tenantId, cohort._id);
    const students = members.filter((p) => p.roles.includes('student'));
    const links = await this.ctx.deps.supervisions.linksOfStudents(
      tenantId,
      students.map((p) => p._id),
    );
    const supervisorIds = [...new Set(links.map((l) => l.supervisorId))];
    const linked = await this.ctx.deps.people.byIds(tenantId, supervisorIds);
    const supervisors = new Map(
      [...members.filter((p) => p.roles.includes('supervisor')), ...linked].map((p) => [p._id, p]),
    );
    const supervisorsOf = new Map<string, string[]>();
    for (const l of links) {
      const sup = supervisors.get(l.supervisorId);
      if (sup) supervisorsOf.set(l.studentId, [...(supervisorsOf.get(l.studentId) ?? []), sup.displayName]);
    }
    const settings = this.ctx.deps.checkinSettings(cohort);
    const days = (d: string[]) => (d.length ? d.join(', ') : 'none');
    return {
      id: cohort._id,
      name: cohort.name,
      datesText: placementDatesText(cohort),
      weeks: cohort.weeks,
      clinicalText: days(cohort.clinicalDays),
      leadershipText: days(cohort.leadershipDays),
      supervisionText: cohort.supervision
        ? `${cohort.supervision.weekday} ${cohort.supervision.time}`
        : 'no weekly slot',
      timeZone: cohort.timeZone,
      checkinText: `Prompt at ${settings.promptTime} on each student's first placement day of the week; reminder ${settings.reminderHoursBeforeDue} hours before it is due; supervisors' summary ${settings.digestHoursBeforeSupervision} hours before supervision. ${safeguardingText(safeguardingSettings(cohort))}`,
      nonPlacement: [...cohort.nonPlacementDates].sort().map((date) => ({ date, text: formatDate(date) })),
      students: students.map((p) => ({
        id: p._id,
        name: p.displayName,
        email: p.email,
        profession: p.profession,
        supervisorsText: (supervisorsOf.get(p._id) ?? []).sort().join(', ') || 'no supervisor yet',
      })),
      supervisors: [...supervisors.values()]
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((p) => ({ id: p._id, name: p.displayName, email: p.email })),
      studentCount: students.length,
      form: cohortFormValues(cohort, this.ctx.deps.checkinSettings),
    };
  }
}

/** The cohort's stored settings as the edit form's values. */
export function cohortFormValues(c: CohortDoc, checkinSettings: CheckinSettingsOf): Record<string, string> {
  const s = checkinSettings(c);
  return {
    cohortId: c._id,
    name: c.name,
    startDate: c.startDate,
    weeks: String(c.weeks),
    endDate: '',
    clinicalDays: c.clinicalDays.join(','),
    leadershipDays: c.leadershipDays.join(','),
    supervisionDay: c.supervision?.weekday ?? 'none',
    supervisionTime: c.supervision?.time ?? '',
    timeZone: c.timeZone,
    promptTime: s.promptTime,
    reminderHours: String(s.reminderHoursBeforeDue),
    digestHours: String(s.digestHoursBeforeSupervision),
    alertWellbeing: String(safeguardingSettings(c).alertWellbeingAtOrBelow),
    alertLead: String(safeguardingSettings(c).alertLead),
  };
}
