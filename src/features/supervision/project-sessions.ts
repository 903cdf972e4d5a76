/** The sessions recorded for a project team and their agreed actions (the project card reads them). */
import type { ProjectSupervisionSession } from './ports.js';
import type { SupervisionRepository } from './supervision-repository.js';

export async function sessionsOfProject(
  repo: SupervisionRepository,
  tenantId: string,
  projectId: string,
): Promise<ProjectSupervisionSession[]> {
  const records = await repo.sessionsOfProject(tenantId, projectId);
  // One record per attendee: one session each, by its id.
  const sessions = new Map<string, ProjectSupervisionSession>();
  for (const r of records) {
    const id = r.sessionId ?? r._id;
    if (!sessions.has(id))
      sessions.set(id, {
        sessionId: id,
        date: r.date,
        minutes: r.minutes,
        recordedBy: r.recordedBy,
        notes: r.notes ?? '',
        actions: [],
      });
  }
  const actions = await repo.actionsOfSessions(tenantId, [...sessions.keys()]);
  for (const a of actions)
    sessions.get(a.sessionId)?.actions.push({
      text: a.text,
      ownerId: a.ownerId,
      dueDate: a.dueDate,
      status: a.status,
    });
  return [...sessions.values()].sort((a, b) => a.date.localeCompare(b.date));
}
