/**
 * The survey-service tests' world: a fresh database, the services over it with a controllable
 * clock, a programme lead, and helpers that add a cohort, its students and a scheduled run.
 * Call it inside the describe: it adds the before and after hooks.
 */
import { ControllableClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { HttpConnectorClient } from '../../../src/proactive/connector-client.js';
import { noTokens } from '../../../src/proactive/token-provider.js';
import { createServices, type Services } from '../../../src/services.js';
import type { Database } from '../../../src/storage/mongo.js';
import type { PersonDoc } from '../../../src/storage/people-repository.js';
import { dropAndClose, freshDatabase } from '../../helpers/db.js';

export const T = 'tenant-surveys';
let seq = 0;
/** A number not used before in this run, for unique emails and request ids. */
export const nextSeq = () => ++seq;

export function surveyWorld() {
  let database: Database;
  let services: Services;
  const clock = new ControllableClock();
  let lead: PersonDoc;

  async function cohort(name: string, startDate = '2025-02-03') {
    const { id } = await services.cohorts.upsertByName(
      T,
      {
        name,
        startDate,
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: [],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        teamsChannelId: null,
      },
      clock.now(),
    );
    return id;
  }

  async function students(cohortId: string, n: number, profession = 'physiotherapy'): Promise<PersonDoc[]> {
    const out: PersonDoc[] = [];
    for (let i = 0; i < n; i++) {
      const email = `student${++seq}@example.nhs.uk`;
      await services.people.upsertByEmail(
        T,
        {
          email,
          displayName: `Student Number${seq}`,
          roles: ['student'],
          profession,
          cohortId,
          timeZone: null,
        },
        clock.now(),
      );
      out.push((await services.people.byEmail(T, email))!);
    }
    return out;
  }

  async function run(
    definitionId: string,
    cohortId: string,
    opensOn: string,
    closesOn: string,
    anonymous = true,
  ) {
    clock.set(new Date(Date.parse(`${opensOn}T00:00:00Z`) - 7 * 86_400_000));
    const { run } = await services.surveys.scheduleRun(T, lead, {
      requestId: `req-${++seq}-abcdefgh`,
      definitionId,
      cohortId,
      opensOn,
      closesOn,
      anonymous,
      remind: true,
    });
    clock.set(new Date(run.opensAt.getTime() + 60_000));
    return run;
  }

  const pulse = (rating: number, workload = 'about-right', comment?: string) => ({
    'week-rating': String(rating),
    workload,
    supported: '4',
    ...(comment !== undefined ? { comment } : {}),
  });

  before(async () => {
    database = await freshDatabase('surveys');
    const config = loadConfig({ LOG_LEVEL: 'silent', MIN_GROUP_SIZE: '5' });
    services = createServices({
      config,
      clock,
      logger: createLogger('silent'),
      database,
      connector: new HttpConnectorClient(noTokens),
    });
    clock.set(new Date('2025-01-06T10:00:00Z'));
    await services.people.upsertByEmail(
      T,
      {
        email: 'lead@example.nhs.uk',
        displayName: 'Lee Lead',
        // The programme lead: runs surveys for every cohort, which takes the admin role
        // (a lead acts only for the cohort they are attached to).
        roles: ['lead', 'admin'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      clock.now(),
    );
    lead = (await services.people.byEmail(T, 'lead@example.nhs.uk'))!;
  });
  after(() => dropAndClose(database));
  return {
    get database() {
      return database;
    },
    get services() {
      return services;
    },
    clock,
    get lead() {
      return lead;
    },
    cohort,
    students,
    run,
    pulse,
  };
}
