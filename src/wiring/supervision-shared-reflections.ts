/**
 * Supervision ← reflections: the reflections students shared with their supervisors, for
 * `my students` and the dashboard's supervisor view (supervision's SharedReflections need).
 */
import type { SharedReflections } from '../features/supervision/ports.js';

/** What this adapter uses of the reflections service. */
export interface ReflectionsSource {
  repo: SharedReflections;
}

export function sharedReflections(reflections: ReflectionsSource): SharedReflections {
  return { sharedBy: (tenantId, studentIds) => reflections.repo.sharedBy(tenantId, studentIds) };
}
