/**
 * The benches' cohort: one six-week cohort and `students` students already linked to their
 * Teams ids (as after their first contact), written in batches straight to the people
 * collection so that seeding 10,000 people takes seconds.
 */
import type { Services } from '../../src/services.js';
import { collections } from '../../src/storage/collections.js';
import { tenantDocId } from '../../src/storage/documents.js';

export async function seedBenchCohort(
  services: Services,
  tenantId: string,
  students: number,
  now = new Date('2025-10-01T00:00:00Z'),
): Promise<string> {
  const { id: cohortId } = await services.cohorts.upsertByName(
    tenantId,
    {
      name: 'Bench cohort',
      startDate: '2025-10-20',
      weeks: 6,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu'],
      nonPlacementDates: [],
      supervision: { weekday: 'Thu', time: '14:00' },
      timeZone: 'Europe/London',
      teamsChannelId: null,
    },
    now,
  );
  const people = Array.from({ length: students }, (_, i) => ({
    _id: tenantDocId(tenantId, `student-${i}`),
    tenantId,
    email: `student${i}@example.nhs.uk`,
    displayName: `Student ${i}`,
    roles: ['student'],
    profession: 'physiotherapy',
    cohortId,
    timeZone: null,
    teamsUserId: `29:student-${i}`,
    aadObjectId: `aad-student-${i}`,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < people.length; i += 1000)
    await services.database.db
      .collection(collections.people.name)
      .insertMany(people.slice(i, i + 1000) as never[]);
  return cohortId;
}
