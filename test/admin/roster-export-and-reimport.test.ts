import assert from 'node:assert/strict';
import type { ControllableClock } from '../../src/clock.js';
import { RosterImportService } from '../../src/features/roster/roster-import.js';
import { leadsCohort } from '../../src/domain/authorization.js';
import { AhpHostsRepository } from '../../src/storage/ahp-hosts-repository.js';
import { CohortsRepository } from '../../src/storage/cohorts-repository.js';
import { collections } from '../../src/storage/collections.js';
import type { Database } from '../../src/storage/mongo.js';
import { PeopleRepository } from '../../src/storage/people-repository.js';
import { SupervisionLinksRepository } from '../../src/storage/supervision-links-repository.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';
import {
  COHORTS,
  DIRECTORY,
  failed,
  ok,
  openRoster,
  PEOPLE,
  records,
  snapshotOf,
  TENANT,
  withLine,
} from './roster-world.js';

describe('RosterImportService (real local database)', () => {
  let database: Database;
  let clock: ControllableClock;
  let people: PeopleRepository;
  let cohorts: CohortsRepository;
  let supervisions: SupervisionLinksRepository;
  let directory: AhpHostsRepository;
  let service: RosterImportService;
  const snapshot = () => snapshotOf(database);

  beforeEach(async () => {
    ({ database, clock, people, cohorts, supervisions, directory, service } = await openRoster());
  });
  afterEach(() => dropAndClose(database));

  it('exports the roster in the import formats: a round trip through a fresh database is equal', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const exported = await service.exportRoster(TENANT);
    assert.deepEqual(records(exported.cohortsCsv), records(COHORTS));
    const byEmail = (rows: Record<string, string>[]) =>
      [...rows].sort((a, b) => a.email!.localeCompare(b.email!));
    assert.deepEqual(byEmail(records(exported.peopleCsv)), byEmail(records(PEOPLE)));

    // Importing the export into the same database changes nothing...
    const again = ok(await service.importRoster(TENANT, exported));
    assert.deepEqual(
      [again.cohorts.inserted + again.cohorts.updated, again.people.inserted + again.people.updated],
      [0, 0],
    );

    // ...and into an empty one reproduces the same export.
    const other = await freshDatabase('roster_rt');
    try {
      const otherService = new RosterImportService({
        people: new PeopleRepository(other.db),
        cohorts: new CohortsRepository(other.db),
        supervisions: new SupervisionLinksRepository(other.db),
        directory: new AhpHostsRepository(other.db),
        clock,
      });
      ok(await otherService.importRoster('tenant-b', exported));
      assert.deepEqual(await otherService.exportRoster('tenant-b'), exported);
    } finally {
      await dropAndClose(other);
    }

    ok(await service.importDirectory(TENANT, DIRECTORY));
    const hosts = await service.exportDirectory(TENANT);
    assert.deepEqual(byEmail(records(hosts)), byEmail(records(DIRECTORY)));
  });

  it('imports a lead of several cohorts (`;`-separated) and reports each unknown cohort in the list', async () => {
    const C1 = 'Leadership 2024 cohort 1';
    const C2 = 'Leadership 2025 cohort 2';
    const header = 'email,display_name,roles,profession,cohort,supervisor_email';
    const bad = [
      header,
      `two.cohorts@example.nhs.uk,Grace Lee,lead,physiotherapy,${C1}; Leadership 2031 ;${C2};Leadership 2030,`,
      `stu@student.example.ac.uk,Stu,student,physiotherapy,${C1};${C2},`,
      `one.cohort@example.nhs.uk,One,lead,physiotherapy,${C1},`,
    ].join('\n');
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: bad })), [
      'people row 2, column cohort: unknown cohort "Leadership 2031": not in the cohorts file and not already imported',
      'people row 2, column cohort: unknown cohort "Leadership 2030": not in the cohorts file and not already imported',
      'people row 3, column cohort: a student is on one cohort: list only one (several, separated by ;, are for leads and supervisors)',
    ]);
    for (const [name, docs] of Object.entries(await snapshot())) assert.equal(docs.length, 0, name);

    const peopleCsv = [
      header,
      `two.cohorts@example.nhs.uk,Grace Lee,lead,physiotherapy,${C1};${C2};${C1},`,
      `sup.both@example.nhs.uk,Sup Both,supervisor,physiotherapy,${C2};${C1},`,
      `one.cohort@example.nhs.uk,One,lead,physiotherapy,${C1},`,
    ].join('\n');
    const result = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv }));
    assert.deepEqual(result.people, { inserted: 3, updated: 0, unchanged: 0 });
    const [c1, c2] = [(await cohorts.byName(TENANT, C1))!._id, (await cohorts.byName(TENANT, C2))!._id];
    const grace = (await people.byEmail(TENANT, 'two.cohorts@example.nhs.uk'))!;
    assert.deepEqual([grace.cohortId, grace.cohortIds, grace.leadCohortIds], [c1, [c1, c2], [c1, c2]]);
    assert.ok(leadsCohort(grace, c1) && leadsCohort(grace, c2));
    const sup = (await people.byEmail(TENANT, 'sup.both@example.nhs.uk'))!;
    assert.deepEqual([sup.cohortId, sup.cohortIds, sup.leadCohortIds], [c2, [c2, c1], []]);
    assert.ok(!leadsCohort(sup, c1) && !leadsCohort(sup, c2), 'a supervisor attached to cohorts leads none');
    const one = (await people.byEmail(TENANT, 'one.cohort@example.nhs.uk'))!;
    assert.deepEqual(one.leadCohortIds, [c1]);
    assert.ok(leadsCohort(one, c1) && !leadsCohort(one, c2));
    assert.deepEqual(
      (await people.leadsOf(TENANT, c2)).map((p) => p.email),
      ['two.cohorts@example.nhs.uk'],
    );
    assert.deepEqual((await people.inCohort(TENANT, c1)).map((p) => p.email).sort(), [
      'one.cohort@example.nhs.uk',
      'sup.both@example.nhs.uk',
      'two.cohorts@example.nhs.uk',
    ]);

    // The export writes the list back (in roster order), and importing it changes nothing.
    const exported = await service.exportRoster(TENANT);
    const row = records(exported.peopleCsv).find((r) => r.email === 'two.cohorts@example.nhs.uk');
    assert.equal(row?.cohort, `${C1};${C2}`);
    const again = ok(await service.importRoster(TENANT, exported));
    assert.deepEqual(again.people, { inserted: 0, updated: 0, unchanged: 3 });

    // Dropping a cohort from the list takes the lead's access to it away.
    const fewer = peopleCsv.replace(`${C1};${C2};${C1}`, C2);
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: fewer }));
    const after = (await people.byEmail(TENANT, 'two.cohorts@example.nhs.uk'))!;
    assert.ok(!leadsCohort(after, c1) && leadsCohort(after, c2));
  });

  it('a lead stored before several cohorts existed (one cohortId) still leads it; a re-import upgrades them', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const c2 = (await cohorts.byName(TENANT, 'Leadership 2025 cohort 2'))!._id;
    const c1 = (await cohorts.byName(TENANT, 'Leadership 2024 cohort 1'))!._id;
    const col = database.db.collection(collections.people.name);
    await col.updateOne(
      { tenantId: TENANT, email: 'wendy.marsh@example.nhs.uk' },
      { $unset: { cohortIds: '', leadCohortIds: '' }, $set: { schemaVersion: 1 } },
    );
    const legacy = (await people.byEmail(TENANT, 'wendy.marsh@example.nhs.uk'))!;
    assert.equal(legacy.leadCohortIds, undefined);
    assert.ok(leadsCohort(legacy, c2) && !leadsCohort(legacy, c1));
    assert.deepEqual(
      (await people.leadsOf(TENANT, c2)).map((p) => p.email),
      ['wendy.marsh@example.nhs.uk'],
    );
    const again = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    assert.deepEqual(again.people, { inserted: 0, updated: 1, unchanged: 20 });
    const upgraded = (await people.byEmail(TENANT, 'wendy.marsh@example.nhs.uk'))!;
    assert.deepEqual([upgraded.leadCohortIds, upgraded.schemaVersion], [[c2], 2]);
  });

  it('keeps the ahp-host role and other roles when the roster and the directory overlap', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const directoryCsv =
      'email,display_name,profession,role_type,bio,location,weekly_cap\n' +
      'Alex.Morgan@example.nhs.uk,Alex M,physiotherapy,senior leadership,Leads things.,online,2\n';
    const result = ok(await service.importDirectory(TENANT, directoryCsv));
    assert.deepEqual(result.people, { inserted: 0, updated: 1, unchanged: 0 });
    const alex = await people.byEmail(TENANT, 'alex.morgan@example.nhs.uk');
    assert.deepEqual(alex?.roles, ['lead', 'admin', 'ahp-host']);
    assert.equal(alex?.displayName, 'Alex Morgan', 'the roster owns the name of someone it lists');
    assert.equal((await directory.byEmail(TENANT, 'alex.morgan@example.nhs.uk'))?.personId, alex?._id);

    // people.csv does not list Alex as a host; re-importing it must not drop the role.
    const again = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    assert.deepEqual(again.people, { inserted: 0, updated: 0, unchanged: 21 });
    assert.deepEqual((await people.byEmail(TENANT, 'alex.morgan@example.nhs.uk'))?.roles, [
      'lead',
      'admin',
      'ahp-host',
    ]);
  });

  it('updates changed hosts and makes hosts missing from a new directory inactive', async () => {
    ok(await service.importDirectory(TENANT, DIRECTORY));
    const lines = DIRECTORY.trimEnd().split(/\r?\n/);
    const changed = [lines[0], lines[1]!.replace(/,2$/, ',4'), ...lines.slice(2, 29)]
      .map((l) => l!.replace('Daniel Roberts,physiotherapy', 'Dan Roberts,physiotherapy'))
      .join('\n');
    const result = ok(await service.importDirectory(TENANT, changed));
    assert.deepEqual(result.hosts, { inserted: 0, updated: 2, unchanged: 26, deactivated: 2 });
    assert.deepEqual(result.people, { inserted: 0, updated: 1, unchanged: 27 });
    assert.equal((await directory.byEmail(TENANT, 'amira.fraser.ahp0@example.nhs.uk'))?.weeklyCap, 4);
    assert.equal(
      (await people.byEmail(TENANT, 'daniel.roberts.ahp1@example.nhs.uk'))?.displayName,
      'Dan Roberts',
    );
    assert.equal((await directory.active(TENANT)).length, 28);
    assert.equal((await directory.byEmail(TENANT, 'hannah.evans.ahp29@example.nhs.uk'))?.active, false);
  });

  it('treats the file as the whole truth about a student’s supervisors', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const changed = withLine(PEOPLE, 12, (l) =>
      l.replace('sam.supervisor@example.nhs.uk;wendy.marsh@example.nhs.uk', 'wendy.marsh@example.nhs.uk'),
    );
    const result = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: changed }));
    assert.deepEqual(result.supervisionLinks, { added: 0, removed: 1, unchanged: 26 });
    const george = await people.byEmail(TENANT, 'george.clarke@student.example.ac.uk');
    const wendy = await people.byEmail(TENANT, 'wendy.marsh@example.nhs.uk');
    assert.deepEqual(await supervisions.supervisorIdsOf(TENANT, george!._id), [wendy!._id]);
  });

  it('keeps a Teams channel linked since the last import when the file leaves it blank', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const cohort1 = await cohorts.byName(TENANT, 'Leadership 2024 cohort 1');
    await cohorts.linkChannel(
      TENANT,
      cohort1!._id,
      { teamsChannelId: '19:linked@thread.tacv2', teamsTeamId: null, serviceUrl: 'https://smba.example/' },
      clock.now(),
    );
    const again = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    assert.deepEqual(again.cohorts, { inserted: 0, updated: 0, unchanged: 2 });
    assert.equal(
      (await cohorts.byName(TENANT, 'Leadership 2024 cohort 1'))?.teamsChannelId,
      '19:linked@thread.tacv2',
    );
  });

  it('keeps tenants apart: a cohort stored for one tenant does not exist for another', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const emptyCohorts = 'cohort,start_date,weeks,clinical_days,leadership_days,supervision\n';
    const result = await service.importRoster('tenant-b', { cohortsCsv: emptyCohorts, peopleCsv: PEOPLE });
    const errors = failed(result);
    assert.ok(
      errors.some((e) =>
        e.startsWith('people row 2, column cohort: unknown cohort "Leadership 2025 cohort 2"'),
      ),
    );
    assert.equal((await people.all('tenant-b')).length, 0);
  });
});
