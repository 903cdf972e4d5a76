/**
 * Check-ins ↔ projects: the check-in's "Project progress" answer becomes the week's update of
 * the student's project (a CheckinSavedHook), and the form names the student's project
 * (StudentProjectTitle). Neither feature knows the other; src/services.ts hands these to
 * CheckinService.
 */
import type { CheckinSavedHook, StudentProjectTitle } from '../features/checkins/ports.js';

/** What this adapter uses of the projects service. */
export interface ProjectCheckinSource {
  recordCheckinUpdate(
    tenantId: string,
    update: { studentId: string; cohortId: string; week: number; text: string },
  ): Promise<{ title: string } | null>;
  projectOfStudent(tenantId: string, studentId: string, cohortId: string): Promise<{ title: string } | null>;
}

export function checkinProjectUpdate(projects: () => ProjectCheckinSource): CheckinSavedHook {
  return async (tenantId, checkin) => {
    const project = await projects().recordCheckinUpdate(tenantId, {
      studentId: checkin.studentId,
      cohortId: checkin.cohortId,
      week: checkin.week,
      text: checkin.answers.progress,
    });
    return project ? `Your project progress was added to “${project.title}” for your team to see.` : null;
  };
}

export function studentProjectTitles(projects: () => ProjectCheckinSource): StudentProjectTitle {
  return {
    async projectTitleOf(tenantId, studentId, cohortId) {
      return (await projects().projectOfStudent(tenantId, studentId, cohortId))?.title ?? null;
    },
  };
}
