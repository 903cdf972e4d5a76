import assert from 'node:assert/strict';
import type { ControllableClock } from '../../src/clock.js';
import { type RosterImportService } from '../../src/features/roster/roster-import.js';
import type { AhpHostsRepository } from '../../src/storage/ahp-hosts-repository.js';
import type { CohortsRepository } from '../../src/storage/cohorts-repository.js';
import type { Database } from '../../src/storage/mongo.js';
import type { PeopleRepository } from '../../src/storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../src/storage/supervision-links-repository.js';
import { dropAndClose } from '../helpers/db.js';
import { DEFAULT_COHORT } from '../helpers/world.js';
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

  it('imports the fixtures as they are: 2 cohorts, 21 people, 30 AHP hosts', async () => {
    const cohortRecords = records(COHORTS);
    const peopleRecords = records(PEOPLE);
    const hostRecords = records(DIRECTORY);
    assert.deepEqual([cohortRecords.length, peopleRecords.length, hostRecords.length], [2, 21, 30]);
    const expectedLinks = peopleRecords.reduce(
      (n, p) => n + p.supervisor_email!.split(';').filter(Boolean).length,
      0,
    );

    const roster = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    assert.deepEqual(roster.cohorts, { inserted: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(roster.people, { inserted: 21, updated: 0, unchanged: 0 });
    assert.deepEqual(roster.supervisionLinks, { added: expectedLinks, removed: 0, unchanged: 0 });

    const hosts = ok(await service.importDirectory(TENANT, DIRECTORY));
    assert.deepEqual(hosts.hosts, { inserted: 30, updated: 0, unchanged: 0, deactivated: 0 });
    assert.deepEqual(hosts.people, { inserted: 30, updated: 0, unchanged: 0 });

    assert.equal((await cohorts.all(TENANT)).length, 2);
    assert.equal((await people.all(TENANT)).length, 21 + 30);
    assert.equal((await directory.active(TENANT)).length, 30);

    const cohort2 = await cohorts.byName(TENANT, 'Leadership 2025 cohort 2');
    assert.ok(cohort2);
    assert.deepEqual(
      {
        ...DEFAULT_COHORT,
        startDate: cohort2.startDate,
        weeks: cohort2.weeks,
        clinicalDays: cohort2.clinicalDays,
        leadershipDays: cohort2.leadershipDays,
        nonPlacementDates: cohort2.nonPlacementDates,
        supervision: cohort2.supervision,
        timeZone: cohort2.timeZone,
        teamsChannelId: cohort2.teamsChannelId,
      },
      {
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-02-21'],
        teamsChannelId: '19:cohort2channel@thread.tacv2',
      },
    );

    const lea = await people.byEmail(TENANT, 'student.abroad@student.example.ac.uk');
    assert.equal(lea?.displayName, "Léa O'Connor, Jr.");
    assert.equal(lea?.timeZone, 'Europe/Dublin');
    assert.equal(lea?.cohortId, cohort2._id);
    assert.ok(lea?._id.startsWith(`${TENANT}|`));

    const wendy = await people.byEmail(TENANT, 'wendy.marsh@example.nhs.uk');
    assert.deepEqual(wendy?.roles, ['supervisor', 'lead']);

    const host = await directory.byEmail(TENANT, 'amira.fraser.ahp0@example.nhs.uk');
    assert.equal(host?.location, 'Fulbourn Hospital, room 2.1');
    assert.equal(host?.weeklyCap, 2);
    assert.equal(host?.roleType, 'FTSU guardian');
    assert.equal(host?.active, true);
    const hostPerson = await people.byId(TENANT, host!.personId);
    assert.equal(hostPerson?.email, 'amira.fraser.ahp0@example.nhs.uk');
    assert.deepEqual(hostPerson?.roles, ['ahp-host']);
  });

  it('creates the supervision links named in supervisor_email', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const id = async (email: string) => (await people.byEmail(TENANT, email))!._id;
    const george = await id('george.clarke@student.example.ac.uk');
    const sam = await id('sam.supervisor@example.nhs.uk');
    const wendy = await id('wendy.marsh@example.nhs.uk');
    const ruth = await id('ruth.supervisor@example.nhs.uk');
    assert.deepEqual((await supervisions.supervisorIdsOf(TENANT, george)).sort(), [sam, wendy].sort());
    assert.equal((await supervisions.studentIdsOf(TENANT, ruth)).length, 6);
    assert.equal(await supervisions.isSupervisorOf(TENANT, ruth, george), false);
    assert.deepEqual(
      await supervisions.supervisorIdsOf(TENANT, await id('student.abroad@student.example.ac.uk')),
      [sam],
    );
  });

  it('changes nothing when the same files are imported again', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    ok(await service.importDirectory(TENANT, DIRECTORY));
    const before = await snapshot();
    clock.advance(60_000);

    const roster = ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    assert.deepEqual(roster.cohorts, { inserted: 0, updated: 0, unchanged: 2 });
    assert.deepEqual(roster.people, { inserted: 0, updated: 0, unchanged: 21 });
    assert.deepEqual(roster.supervisionLinks, { added: 0, removed: 0, unchanged: 27 });
    const hosts = ok(await service.importDirectory(TENANT, DIRECTORY));
    assert.deepEqual(hosts.hosts, { inserted: 0, updated: 0, unchanged: 30, deactivated: 0 });
    assert.deepEqual(hosts.people, { inserted: 0, updated: 0, unchanged: 30 });

    assert.deepEqual(await snapshot(), before, 'not even updatedAt moved');
  });

  it('reports every bad row with its row number and column, and writes nothing', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    const before = await snapshot();

    // Three bad rows, and a valid change (Wendy's name) that must not be written either.
    const badCohorts = withLine(COHORTS, 3, (l) => l.replace('2025-02-03', '2025-02-30'));
    let badPeople = withLine(PEOPLE, 2, (l) => l.replace('Wendy Marsh', 'Wendy Marsh-Jones'));
    badPeople = withLine(badPeople, 6, (l) =>
      l.replace('amira.ahmed@student.example.ac.uk', 'amira.ahmed.example.ac.uk'),
    );
    badPeople = withLine(badPeople, 10, (l) => l.replace(',student,', ',student;intern,'));
    const result = await service.importRoster(TENANT, { cohortsCsv: badCohorts, peopleCsv: badPeople });

    assert.deepEqual(failed(result), [
      'cohorts row 3, column start_date: "2025-02-30" is not a date in YYYY-MM-DD form',
      'people row 6, column email: not a valid email address',
      'people row 10, column roles: unknown role "intern" (expected student, supervisor, ahp-host, lead, admin, separated by ;)',
    ]);
    assert.deepEqual(await snapshot(), before);
  });

  it('writes nothing at all into an empty database when one row is bad', async () => {
    const badPeople = withLine(PEOPLE, 22, (l) => l.replace('Europe/Dublin', 'Europe/Atlantis'));
    const result = await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: badPeople });
    assert.deepEqual(failed(result), [
      'people row 22, column time_zone: unknown time zone "Europe/Atlantis": expected an IANA name such as Europe/London',
    ]);
    for (const [name, docs] of Object.entries(await snapshot())) assert.equal(docs.length, 0, name);
  });

  it('refuses a non-placement date outside the placement, naming it and the placement dates; writes nothing', async () => {
    const cohortsCsv = [
      'cohort,start_date,weeks,clinical_days,leadership_days,non_placement_dates,supervision,time_zone',
      'A,2025-01-06,4,Mon;Tue,Wed,2025-01-08;2025-03-03,Thu 14:00,Europe/London',
      'B,2025-01-06,4,Mon;Tue,Wed,2025-01-05;2025-02-02,Thu 14:00,Europe/London',
    ].join('\n');
    const before = await snapshot();
    const result = await service.importRoster(TENANT, {
      cohortsCsv,
      peopleCsv: 'email,display_name,roles,profession,cohort,supervisor_email\n',
    });
    assert.deepEqual(failed(result), [
      'cohorts row 2, column non_placement_dates: 2025-03-03 is outside the placement (2025-01-06 to 2025-02-02)',
      'cohorts row 3, column non_placement_dates: 2025-01-05 is outside the placement (2025-01-06 to 2025-02-02)',
    ]);
    assert.deepEqual(await snapshot(), before);
  });

  it('checks weeks, weekday lists, supervision slots, weekly caps and required values', async () => {
    const cohortsCsv = [
      'cohort,start_date,weeks,clinical_days,leadership_days,non_placement_dates,supervision,time_zone',
      'A,2025-01-06,53,Mon;Tue,Wed,,Thu 14:00,Europe/London',
      'B,2025-01-06,4,Mon;Tue,Tue;Wed,2025-01-08;08/01/2025,Thursday 2pm,BST',
      ',2025-01-06,4,,,,,',
      'A,2025-01-06,4,Mon,,,Thu 14:00,',
      'C;D,2025-01-06,4,Mon,,,Thu 14:00,',
    ].join('\n');
    const result = await service.importRoster(TENANT, {
      cohortsCsv,
      peopleCsv: 'email,display_name,roles,profession,cohort,supervisor_email\n',
    });
    assert.deepEqual(failed(result), [
      'cohorts row 2, column weeks: expected a whole number from 1 to 52',
      'cohorts row 3, column non_placement_dates: "08/01/2025" is not a date in YYYY-MM-DD form (separate dates with ;)',
      'cohorts row 3, column supervision: invalid weekday "Thursday": expected one of Mon, Tue, Wed, Thu, Fri, Sat, Sun',
      'cohorts row 3, column time_zone: unknown time zone "BST": expected an IANA name such as Europe/London',
      'cohorts row 3, column leadership_days: Tue cannot be both a clinical and a leadership day',
      'cohorts row 4, column cohort: required',
      'cohorts row 4, column clinical_days: a cohort needs at least one clinical or leadership weekday',
      'cohorts row 5, column cohort: duplicate cohort "A" (first on row 2)',
      'cohorts row 6, column cohort: cannot contain ";" (it separates cohort names in people.csv)',
    ]);

    const hostsCsv = [
      'email,display_name,profession,role_type,bio,location,weekly_cap',
      'a@example.nhs.uk,A,physiotherapy,research,Bio,online,51',
      'b@example.nhs.uk,B,,research,Bio,online,2.5',
      'A@example.nhs.uk,A again,physiotherapy,research,Bio,online,0',
    ].join('\n');
    assert.deepEqual(failed(await service.importDirectory(TENANT, hostsCsv)), [
      'directory row 2, column weekly_cap: expected a whole number from 0 to 50',
      'directory row 3, column profession: required',
      'directory row 3, column weekly_cap: expected a whole number from 0 to 50',
      'directory row 4, column email: duplicate host "a@example.nhs.uk" (first on row 2)',
    ]);
    for (const [name, docs] of Object.entries(await snapshot())) assert.equal(docs.length, 0, name);
  });

  it('checks cohorts, supervisors and students against the file and what is stored', async () => {
    ok(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: PEOPLE }));
    // A later file with no cohorts and new people who refer to stored cohorts and supervisors.
    const peopleCsv = [
      'email,display_name,roles,profession,cohort,supervisor_email',
      'new.student@student.example.ac.uk,New Student,student,physiotherapy,Leadership 2024 cohort 1,ruth.supervisor@example.nhs.uk',
      'no.cohort@student.example.ac.uk,No Cohort,student,physiotherapy,,ruth.supervisor@example.nhs.uk',
      'x@student.example.ac.uk,X,student,physiotherapy,Leadership 2030,alex.morgan@example.nhs.uk;nobody@example.nhs.uk',
      'lead@example.nhs.uk,Lead,lead,physiotherapy,,ruth.supervisor@example.nhs.uk',
      'NEW.student@student.example.ac.uk,Twin,student,physiotherapy,Leadership 2024 cohort 1,',
    ].join('\n');
    const cohortsCsv = 'cohort,start_date,weeks,clinical_days,leadership_days,supervision\n';
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv, peopleCsv })), [
      'people row 3, column cohort: required for a student',
      'people row 4, column cohort: unknown cohort "Leadership 2030": not in the cohorts file and not already imported',
      'people row 4, column supervisor_email: alex.morgan@example.nhs.uk does not have the supervisor role',
      'people row 4, column supervisor_email: nobody@example.nhs.uk is not in the people file and not already imported',
      'people row 5, column supervisor_email: only students have supervisors: leave it empty or add the student role',
      'people row 6, column email: duplicate person "new.student@student.example.ac.uk" (first on row 2)',
    ]);

    const good = ok(
      await service.importRoster(TENANT, {
        cohortsCsv,
        peopleCsv: peopleCsv.split('\n').slice(0, 2).join('\n'),
      }),
    );
    assert.deepEqual(good.people, { inserted: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(good.supervisionLinks, { added: 1, removed: 0, unchanged: 0 });
  });

  it('reports missing, unknown and repeated columns on row 1, and rows with the wrong field count', async () => {
    const peopleCsv = 'email,display_name,role,profession,cohort,cohort\nx@example.nhs.uk,X,student,pt,A,A\n';
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv: '', peopleCsv })), [
      'cohorts row 1: the file is empty: expected a header row (cohort, start_date, weeks, clinical_days, leadership_days, supervision)',
      'people row 1, column role: unknown column (expected email, display_name, roles, profession, cohort, supervisor_email, time_zone)',
      'people row 1, column cohort: column appears more than once in the header row',
      'people row 1, column roles: required column is missing from the header row',
      'people row 1, column supervisor_email: required column is missing from the header row',
    ]);

    const ragged = withLine(PEOPLE, 4, (l) => l.replace('Ruth Patel', 'Patel, Ruth'));
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: ragged })), [
      'people row 4: expected 7 fields like the header row, found 8 (a comma inside a value needs "quotes")',
    ]);
  });

  it('reads a BOM, CRLF line endings, columns in any order, and quoted commas and newlines', async () => {
    const cohortsCsv =
      '\uFEFFtime_zone,cohort,weeks,start_date,supervision,leadership_days,clinical_days\r\n' +
      'Europe/London,"Cohort, with comma",4,2025-03-03,Thu 14:00,Wed;Thu,Mon;Tue\r\n';
    const peopleCsv =
      '\uFEFFroles,email,display_name,profession,cohort,supervisor_email\r\n' +
      'supervisor,sup@example.nhs.uk,"Okoro, Sam",occupational therapy,"Cohort, with comma",\r\n' +
      '\r\n' +
      'student,stu@student.example.ac.uk,"Léa ""Lee""\r\nO\'Connor",physiotherapy,"Cohort, with comma",sup@example.nhs.uk\r\n';
    const result = ok(
      await service.importRoster(TENANT, { cohortsCsv: Buffer.from(cohortsCsv, 'utf8'), peopleCsv }),
    );
    assert.deepEqual(result.people, { inserted: 2, updated: 0, unchanged: 0 });
    const cohort = await cohorts.byName(TENANT, 'Cohort, with comma');
    assert.equal(cohort?.timeZone, 'Europe/London');
    assert.equal(cohort?.teamsChannelId, null);
    assert.deepEqual(cohort?.nonPlacementDates, []);
    assert.equal((await people.byEmail(TENANT, 'sup@example.nhs.uk'))?.displayName, 'Okoro, Sam');
    const student = await people.byEmail(TENANT, 'stu@student.example.ac.uk');
    assert.equal(student?.displayName, 'Léa "Lee"\nO\'Connor');
    assert.equal(student?.cohortId, cohort?._id);

    const hostsCsv =
      '\uFEFFemail,display_name,profession,role_type,bio,location,weekly_cap\n' +
      'h@example.nhs.uk,Host,dietetics,research,"Line one, with a comma.\nLine two.","Site A, room 1",3\n';
    ok(await service.importDirectory(TENANT, Buffer.from(hostsCsv)));
    const host = await directory.byEmail(TENANT, 'h@example.nhs.uk');
    assert.equal(host?.bio, 'Line one, with a comma.\nLine two.');
    assert.equal(host?.location, 'Site A, room 1');
  });

  it('counts rows as lines in the file when a quoted field spans lines', async () => {
    const peopleCsv = [
      'email,display_name,roles,profession,cohort,supervisor_email',
      'a@example.nhs.uk,"Two\r\nlines",lead,pt,,',
      '',
      'b@example.nhs.uk,"Three\nlines\nhere",lead,pt,,',
      'not-an-email,C,lead,pt,,',
    ].join('\r\n');
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv })), [
      'people row 8, column email: not a valid email address',
    ]);
  });

  it('explains badly quoted values', async () => {
    const badQuote = withLine(PEOPLE, 3, (l) => l.replace('Sam Okoro', '"Sam "The Boss" Okoro"'));
    assert.deepEqual(
      failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: badQuote })),
      ['people row 3: cannot read the CSV: a " inside a quoted value must be doubled ("")'],
    );
    const unclosed = withLine(PEOPLE, 22, (l) => l.replace('Jr."', 'Jr.'));
    assert.deepEqual(
      failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: unclosed })),
      ['people row 22: cannot read the CSV: a quoted value is never closed (missing ")'],
    );
  });

  it('refuses bytes that are not UTF-8', async () => {
    const latin1 = Buffer.from(
      'email,display_name,roles,profession,cohort,supervisor_email\nl@x.uk,L\xe9a,lead,pt,,\n',
      'latin1',
    );
    assert.deepEqual(failed(await service.importRoster(TENANT, { cohortsCsv: COHORTS, peopleCsv: latin1 })), [
      'people row 1: the file is not valid UTF-8 text (save it as "CSV UTF-8")',
    ]);
  });
});
