/**
 * Roster / directory CSV uploaded from Teams: a file sent in the lead's personal chat (Teams'
 * file.download.info attachment, downloaded from a local stand-in for SharePoint) and from the
 * Manage page. Same all-or-nothing validation as the CLI; a lead changes only the cohorts they
 * lead; every refusal writes nothing (document counts of every collection before and after).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FILE_DOWNLOAD_INFO } from '../../src/features/lead-workspace/teams-file.js';
import { collections } from '../../src/storage/collections.js';
import type { Role } from '../../src/storage/people-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:up-${key}`,
  aadObjectId: `aad-up-${key}`,
  name,
  email: `up.${key}@example.nhs.uk`,
});

describe('e2e: roster CSV upload from Teams (personal chat and Manage page)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lara Lead');
  const student = user('student', 'Stu Dent');
  const files = new Map<string, string>();
  const fetched: string[] = [];
  let fileServer: Server;
  let fileBase = '';
  let cohortA = '';

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const spec of Object.values(collections))
      if (spec.name !== collections.turnState.name)
        out[spec.name] = await e2e.services.database.db.collection(spec.name).countDocuments({});
    return out;
  };
  /** Sends files in the personal chat as Teams does; the bot's reply card (or text). */
  const send = async (who: TestUser, attached: { name: string; text?: string; url?: string }[]) => {
    const attachments = attached.map((f) => {
      if (f.text !== undefined) files.set(`/${f.name}`, f.text);
      return {
        contentType: FILE_DOWNLOAD_INFO,
        name: f.name,
        contentUrl: `https://contoso.sharepoint.com/personal/${f.name}`,
        content: { downloadUrl: f.url ?? `${fileBase}/${f.name}`, uniqueId: f.name, fileType: 'csv' },
      };
    });
    const { response, last: reply } = await e2e.say(who, '', { attachments });
    assert.equal(response.status, 200);
    return firstCard(reply) ?? String(reply?.text ?? '');
  };
  const texts = (card: unknown) => (typeof card === 'string' ? card : cardTexts(card).join(' | '));

  before(async () => {
    fileServer = createServer((req, res) => {
      fetched.push(req.url ?? '');
      const body = files.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/csv' });
      res.end(body ?? '');
    });
    await new Promise<void>((r) => fileServer.listen(0, '127.0.0.1', r));
    fileBase = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
    e2e.clock.set(new Date('2025-10-13T10:00:00Z'));
    await e2e.start({ JOBS_POLL_MS: '60000', DASHBOARD_DEV_LOGIN: 'true' });
    await e2e.services.scheduler.stop();
    const { cohorts, people } = e2e.services;
    const now = new Date();
    const cal = {
      weeks: 6,
      clinicalDays: ['Mon', 'Tue'] as ('Mon' | 'Tue')[],
      leadershipDays: ['Wed', 'Thu'] as ('Wed' | 'Thu')[],
      nonPlacementDates: [],
      supervision: { weekday: 'Thu' as const, time: '14:00' },
      timeZone: 'Europe/London',
      teamsChannelId: null,
    };
    ({ id: cohortA } = await cohorts.upsertByName(
      TENANT,
      { name: 'Upload A', startDate: '2025-10-20', ...cal },
      now,
    ));
    await cohorts.upsertByName(TENANT, { name: 'Upload B', startDate: '2025-10-20', ...cal }, now);
    const add = async (u: TestUser, roles: Role[], cohortId: string | null) => {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      e2e.teamsUser(u);
    };
    await add(lead, ['lead'], cohortA);
    await add(student, ['student'], cohortA);
    await add(user('sup', 'Sue Pervisor'), ['supervisor'], cohortA);
  });
  after(async () => {
    await e2e.stop();
    await new Promise((r) => fileServer.close(r));
  });

  const header = 'email,display_name,roles,profession,cohort,supervisor_email,time_zone';

  it('a lead sends people.csv in the chat: its students join their cohort with their supervisor, audited', async () => {
    const card = await send(lead, [
      {
        name: 'people.csv',
        text: `${header}\nnew.one@example.ac.uk,Nell One,student,physiotherapy,Upload A,up.sup@example.nhs.uk,\nnew.two@example.ac.uk,Ned Two,student,occupational therapy,Upload A,up.sup@example.nhs.uk,Europe/Dublin\n`,
      },
    ]);
    assert.match(texts(card), /Roster uploaded/);
    assert.match(texts(card), /People: 2 new, 0 changed, 0 unchanged; supervisor links: 2 added, 0 removed/);
    const { people, supervisions } = e2e.services;
    const one = (await people.byEmail(TENANT, 'new.one@example.ac.uk'))!;
    assert.deepEqual([one.cohortId, one.roles], [cohortA, ['student']]);
    assert.equal((await supervisions.supervisorIdsOf(TENANT, one._id)).length, 1);
    const audit = await e2e.services.audit.list(TENANT, { action: 'workspace.upload' });
    assert.deepEqual([audit.length, audit[0]!.details.kind, audit[0]!.details.people], [1, 'people', 2]);
    // The same file again changes nothing.
    const before = await counts();
    const again = await send(lead, [{ name: 'people.csv' }]);
    assert.match(texts(again), /People: 0 new, 0 changed, 2 unchanged/);
    const after = await counts();
    assert.deepEqual({ ...after, audit: 0 }, { ...before, audit: 0 });
  });

  it("refuses, row by row, a file that lists another lead's cohort or gives the admin role; nothing is written", async () => {
    const before = await counts();
    const card = await send(lead, [
      {
        name: 'people.csv',
        text: `${header}\nok.row@example.ac.uk,Ok Row,student,physiotherapy,Upload A,,\nother.cohort@example.ac.uk,Oth Er,student,physiotherapy,Upload B,,\nboss@example.nhs.uk,Bo Ss,admin,physiotherapy,,,\n`,
      },
    ]);
    const t = texts(card);
    assert.match(t, /Nothing was uploaded/);
    assert.match(t, /people\.csv: row 3, column cohort: you do not lead "Upload B"/);
    assert.match(t, /people\.csv: row 4, column roles: only an administrator can give the admin role/);
    assert.deepEqual(await counts(), before);
    assert.equal(await e2e.services.people.byEmail(TENANT, 'ok.row@example.ac.uk'), null);
  });

  it('refuses a file with bad rows as the CLI does (unknown supervisor, 0 weeks); nothing is written', async () => {
    const before = await counts();
    const card = await send(lead, [
      {
        name: 'cohorts.csv',
        text: 'cohort,start_date,weeks,clinical_days,leadership_days,supervision\nUpload C,2026-01-12,0,Mon;Tue,Wed;Thu,Thu 14:00\n',
      },
      {
        name: 'people.csv',
        text: `${header}\nthree@example.ac.uk,Tee Three,student,physiotherapy,Upload C,nobody@example.nhs.uk,\n`,
      },
    ]);
    const t = texts(card);
    assert.match(t, /cohorts\.csv: row 2, column weeks: expected a whole number from 1 to 52/);
    assert.match(
      t,
      /people\.csv: row 2, column supervisor_email: nobody@example\.nhs\.uk is not in the people file and not already imported/,
    );
    assert.deepEqual(await counts(), before);
  });

  it('a new cohort in an uploaded cohorts.csv is led by the lead who sent it', async () => {
    const card = await send(lead, [
      {
        name: 'cohorts.csv',
        text: 'cohort,start_date,weeks,clinical_days,leadership_days,supervision\nUpload D,2026-01-12,6,Mon;Tue,Wed;Thu,Thu 14:00\n',
      },
    ]);
    assert.match(texts(card), /Cohorts: 1 new/);
    const d = (await e2e.services.cohorts.byName(TENANT, 'Upload D'))!;
    assert.ok((await e2e.services.people.byEmail(TENANT, lead.email!))!.leadCohortIds!.includes(d._id));
  });

  it('a student sending a file is told politely and the file is not read; links outside Teams are not fetched', async () => {
    const n = fetched.length;
    const reply = await send(student, [{ name: 'people.csv', text: `${header}\n` }]);
    assert.match(texts(reply), /Only placement leads can upload roster files/);
    const outside = await send(lead, [{ name: 'people.csv', url: 'https://files.example.org/people.csv' }]);
    assert.match(texts(outside), /files can only be read from Teams/);
    assert.equal(fetched.length, n);
  });

  it('the Manage page uploads an AHP directory: hosts added, nobody deactivated', async () => {
    const { people } = e2e.services;
    await e2e.services.workspace.hosts.upsertByEmail(
      TENANT,
      {
        email: 'old.host@example.nhs.uk',
        displayName: 'Old Host',
        profession: 'dietetics',
        roleType: 'EDI lead',
        bio: '',
        location: 'online',
        weeklyCap: 2,
        personId: 'p',
      },
      new Date(),
    );
    const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(lead.email!)}`);
    const { token } = (await t.json()) as { token: string };
    const res = await fetch(`${e2e.baseUrl}/api/dashboard/manage/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        cohortId: cohortA,
        files: [
          {
            name: 'ahp-directory.csv',
            text: 'email,display_name,profession,role_type,bio,location,weekly_cap\nnew.host@example.nhs.uk,Nia Host,physiotherapy,FTSU guardian,Speak up.,online,3\n',
          },
        ],
      }),
    });
    const body = (await res.json()) as { notice: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.match(body.notice, /Hosts: 1 new/);
    assert.equal(
      (await e2e.services.workspace.hosts.byEmail(TENANT, 'new.host@example.nhs.uk'))?.active,
      true,
    );
    assert.equal(
      (await e2e.services.workspace.hosts.byEmail(TENANT, 'old.host@example.nhs.uk'))?.active,
      true,
    );
    assert.ok((await people.byEmail(TENANT, 'new.host@example.nhs.uk'))!.roles.includes('ahp-host'));
  });
});
