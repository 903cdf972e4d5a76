import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import type {
  CohortSummary,
  LeadOverview,
  Me,
  StudentView,
  SupervisorView,
} from '../../src/web/api-types.js';
import { TENANT, type E2E } from '../e2e/harness.js';
import { AUDIENCE, startDashboard, TestJwks, type Seeded } from './fixture.js';

/** What the API answers a refused or invalid request with. */
interface Refusal {
  error?: string;
  message: string;
  fields?: Record<string, string>;
}
interface ExportLink {
  htmlUrl: string;
}

describe('dashboard API: authentication, authorisation, anonymity', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;

  before(async () => {
    await jwks.start();
    ({ e2e, seeded } = await startDashboard(jwks));
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });

  /** The answer's JSON as the caller expects it (T), or its text when it is not JSON (CSV). */
  const get = async <T = unknown>(path: string, token?: string) => {
    const res = await fetch(`${e2e.baseUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* CSV */
    }
    return { status: res.status, body: body as T, headers: res.headers };
  };
  const tokenFor = (key: string) => jwks.sign({ oid: seeded.oids[key]! });

  describe('tab SSO token validation (401)', () => {
    it('accepts a valid Entra ID token (v2 and v1 issuers) and maps it to the person by tid + oid', async () => {
      const v2 = await get<Me>('/api/dashboard/me', await tokenFor('s1'));
      assert.equal(v2.status, 200, JSON.stringify(v2.body));
      assert.equal(v2.body.name, 'Amira Ahmed');
      assert.deepEqual(v2.body.views, ['student']);
      const v1 = await get<Me>(
        '/api/dashboard/me',
        await jwks.sign({ oid: seeded.oids.leadA!, iss: `https://sts.windows.net/${TENANT}/` }),
      );
      assert.equal(v1.status, 200);
      assert.deepEqual(v1.body.views, ['supervisor', 'lead']);
    });

    it('refuses no token, a malformed token and a token from an unknown signer', async () => {
      const none = await get<Refusal>('/api/dashboard/me');
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      assert.match(none.body.message, /Sign-in required/);
      assert.equal((await get('/api/dashboard/me', 'not-a-jwt')).status, 401);
      const forged = await jwks.sign({ oid: seeded.oids.admin!, key: jwks.otherKey });
      assert.equal(
        (await get('/api/dashboard/lead/overview?cohortId=' + seeded.cohortA, forged)).status,
        401,
      );
    });

    it('refuses an expired token', async () => {
      const expired = await jwks.sign({ oid: seeded.oids.admin!, expiresInS: -600 });
      const res = await get<Refusal>('/api/dashboard/me', expired);
      assert.equal(res.status, 401);
      assert.match(res.body.message, /expired/);
    });

    it('refuses a token for another tenant (even with a known oid) and an issuer of another tenant', async () => {
      const other = await jwks.sign({ oid: seeded.oids.admin!, tid: 'other-tenant' });
      assert.equal((await get('/api/dashboard/me', other)).status, 401);
      const wrongIssuer = await jwks.sign({
        oid: seeded.oids.admin!,
        iss: 'https://login.microsoftonline.com/other-tenant/v2.0',
      });
      assert.equal((await get('/api/dashboard/me', wrongIssuer)).status, 401);
    });

    it('refuses a token for another audience', async () => {
      const res = await get<Refusal>(
        '/api/dashboard/me',
        await jwks.sign({ oid: seeded.oids.admin!, aud: 'api://elsewhere.example/other-app' }),
      );
      assert.equal(res.status, 401);
      assert.match(res.body.message, /not issued for this app/);
    });

    it('refuses a valid token for someone not on the roster', async () => {
      assert.equal((await get('/api/dashboard/me', await jwks.sign({ oid: 'aad-nobody' }))).status, 401);
    });

    it('config refuses the development sign-in when an app id is configured', () => {
      assert.throws(
        () =>
          loadConfig({ DASHBOARD_DEV_LOGIN: 'true', MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' }),
        /DASHBOARD_DEV_LOGIN: must not be set when MicrosoftAppId is configured/,
      );
      assert.equal(loadConfig({}).DASHBOARD_DEV_LOGIN, false);
    });
  });

  describe('development sign-in', () => {
    it('mints a token for a rostered email that the API accepts', async () => {
      const minted = await get<{ token: string }>('/api/dashboard/dev-token?as=sam.okoro@example.nhs.uk');
      assert.equal(minted.status, 200);
      const me = await get<Me>('/api/dashboard/me', minted.body.token);
      assert.equal(me.body.name, 'Sam Okoro');
      assert.equal((await get('/api/dashboard/dev-token?as=nobody@example.org')).status, 404);
      assert.equal((await get('/api/dashboard/dev-token?as=not-an-email')).status, 400);
    });
  });

  describe('authorisation by role (403)', () => {
    it('a student asking for the cohort view, the supervisor view or the cohort list → 403', async () => {
      const t = await tokenFor('s1');
      assert.equal((await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`, t)).status, 403);
      assert.equal(
        (await get(`/api/dashboard/lead/table.csv?cohortId=${seeded.cohortA}&table=overdue`, t)).status,
        403,
      );
      assert.equal((await get('/api/dashboard/supervisor', t)).status, 403);
      assert.equal((await get('/api/dashboard/cohorts', t)).status, 403);
    });

    it('a lead of cohort A asking for cohort B → 403; an admin may see both', async () => {
      const lead = await tokenFor('leadA');
      assert.equal((await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`, lead)).status, 200);
      const b = await get<Refusal>(`/api/dashboard/lead/overview?cohortId=${seeded.cohortB}`, lead);
      assert.equal(b.status, 403);
      assert.match(b.body.message, /only see the cohorts you lead/);
      assert.equal(
        (await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`, await tokenFor('leadB')))
          .status,
        403,
      );
      const admin = await tokenFor('admin');
      assert.equal((await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortB}`, admin)).status, 200);
      const cohorts = await get<{ cohorts: CohortSummary[] }>('/api/dashboard/cohorts', admin);
      assert.equal(cohorts.body.cohorts.length, 2);
      assert.equal(
        (await get<{ cohorts: CohortSummary[] }>('/api/dashboard/cohorts', lead)).body.cohorts.length,
        1,
      );
    });

    it("a supervisor asking for another supervisor's student → 403; their own student → 200", async () => {
      const t = await tokenFor('sup1');
      assert.equal(
        (await get(`/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s1!)}`, t)).status,
        200,
      );
      const other = await get<Refusal>(
        `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s4!)}`,
        t,
      );
      assert.equal(other.status, 403);
      assert.match(other.body.message, /students you supervise/);
      // A student cannot use the supervisor route to read a classmate.
      assert.equal(
        (
          await get(
            `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s3!)}`,
            await tokenFor('s1'),
          )
        ).status,
        403,
      );
    });

    it("a supervisor's view of a student counts pillars and standards over shared reflections only", async () => {
      // s1 wrote three reflections and shared one (Leadership, Education; standard 9).
      const v = (
        await get<StudentView>(
          `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s1!)}`,
          await tokenFor('sup1'),
        )
      ).body;
      assert.deepEqual(
        v.pillars.data!.map((p) => [p.key, p.count]),
        [
          ['clinical', 0],
          ['leadership', 1],
          ['education', 1],
          ['research', 0],
        ],
      );
      assert.deepEqual(
        v.standards.data!.filter((s) => !s.gap).map((s) => [s.key, s.count]),
        [['9', 1]],
      );
    });

    it('the supervisor view lists only their own students', async () => {
      const res = await get<SupervisorView>('/api/dashboard/supervisor', await tokenFor('sup1'));
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.students.map((s: { name: string }) => s.name),
        ['Amira Ahmed', 'Ben Hughes', 'Chloe Okafor'],
      );
    });
  });

  describe('query validation and anonymity', () => {
    it('rejects unknown or malformed query parameters with 400 and the field', async () => {
      const t = await tokenFor('leadA');
      const bad = await get<Refusal>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&fromWeek=zero`,
        t,
      );
      assert.equal(bad.status, 400);
      assert.ok(bad.body.fields?.fromWeek);
      assert.equal((await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&x=1`, t)).status, 400);
      assert.equal(
        (await get(`/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&fromWeek=4&toWeek=2`, t)).status,
        400,
      );
      assert.equal((await get('/api/dashboard/lead/overview?cohortId=%24where', t)).status, 400);
    });

    it('refuses a cohort cut below the minimum group size (422) and allows a large enough one', async () => {
      const t = await tokenFor('leadA');
      const small = await get<Refusal>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&profession=physiotherapy`,
        t,
      );
      assert.equal(small.status, 422);
      assert.equal(small.body.error, 'group_too_small');
      assert.match(small.body.message, /at least 5|smaller than 5/);
      const csv = await get(
        `/api/dashboard/lead/table.csv?cohortId=${seeded.cohortA}&profession=physiotherapy&table=students`,
        t,
      );
      assert.equal(csv.status, 422);
      const ot = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&profession=${encodeURIComponent('occupational therapy')}`,
        t,
      );
      assert.equal(ot.status, 200);
      assert.equal(ot.body.studentCount, 5);
    });

    it('hides groups under the minimum inside a chart (2 physio students are not shown)', async () => {
      const res = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`,
        await tokenFor('leadA'),
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.studentCount, 7);
      assert.deepEqual(res.body.students.data!.byProfession, [
        { key: 'occupational therapy', label: 'occupational therapy', count: 5 },
      ]);
      assert.deepEqual(res.body.range, { fromWeek: 1, toWeek: 3 });
    });

    it('serves each table as CSV with a header row', async () => {
      const res = await get(
        `/api/dashboard/lead/table.csv?cohortId=${seeded.cohortA}&table=students`,
        await tokenFor('leadA'),
      );
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /text\/csv/);
      assert.match(
        res.headers.get('content-disposition')!,
        /attachment; filename="students-leadership-2025-cohort-2.csv"/,
      );
      assert.equal(res.body, 'profession,students\noccupational therapy,5\n');
    });
  });

  describe('panels from the seeded check-ins, reflections and sessions', () => {
    it('lead overview: submission rate, overdue, wellbeing flags and confidence pre/post, aggregated in the database', async () => {
      const res = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`,
        await tokenFor('leadA'),
      );
      const o = res.body;
      assert.deepEqual(
        o.submissionRate.data!.map((r) => [r.week, r.submitted, r.expected]),
        [
          [1, 7, 7],
          [2, 6, 7],
          [3, 5, 7],
        ],
      );
      assert.deepEqual(
        o.overdue.data!.map((r) => [r.name, r.week]),
        [['George Ives', 2]],
      );
      assert.deepEqual(
        o.wellbeing.data!.map((r) => r.count),
        [1, 2, 1],
      );
      assert.equal(o.confidence.state, 'ok');
      const leadership = o.confidence.data!.find((r) => r.area === 'leadership')!;
      assert.equal(leadership.preN, 7);
      assert.equal(leadership.postN, 5);
      assert.ok(leadership.post! > leadership.pre!);
      // Week range filter: weeks 2..2 only.
      const w2 = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&fromWeek=2&toWeek=2`,
        await tokenFor('leadA'),
      );
      assert.deepEqual(
        w2.body.submissionRate.data!.map((r) => r.week),
        [2],
      );
      const csv = await get(
        `/api/dashboard/lead/table.csv?cohortId=${seeded.cohortA}&table=submission-rate`,
        await tokenFor('leadA'),
      );
      assert.equal(csv.body, 'week,submitted,expected,rate_percent\n1,7,7,100\n2,6,7,86\n3,5,7,71\n');
    });

    it('a confidence cut with fewer than the minimum respondents in both weeks is suppressed', async () => {
      const res = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}&fromWeek=3&toWeek=3`,
        await tokenFor('leadA'),
      );
      assert.equal(res.body.confidence.state, 'ok'); // week 3 has exactly 5
      const b = await get<LeadOverview>(
        `/api/dashboard/lead/overview?cohortId=${seeded.cohortB}`,
        await tokenFor('admin'),
      );
      assert.equal(b.body.confidence.state, 'empty');
    });

    it('supervisor view: this week, low wellbeing, trends, reflections awaiting feedback, sessions', async () => {
      const v = (await get<SupervisorView>('/api/dashboard/supervisor', await tokenFor('sup1'))).body;
      assert.deepEqual(
        v.students.map((s) => [s.name, s.checkin, s.lowWellbeing]),
        [
          ['Amira Ahmed', 'submitted', false],
          ['Ben Hughes', 'submitted', true],
          ['Chloe Okafor', 'due', false],
        ],
      );
      assert.deepEqual(
        v.confidence.data!.map((t) => t.points.length),
        [3, 3, 2],
      );
      assert.deepEqual(
        v.awaitingFeedback.data!.map((r) => r.studentName),
        ['Amira Ahmed'],
      );
      assert.deepEqual(
        v.supervisionSessions.data!.map((r) => r.sessions),
        [2, 1, 0],
      );
    });

    it("supervisor view: each student's open actions from supervision and shared reflections; export links for own students only", async () => {
      const now = e2e.services.clock.now();
      const sup1 = (await e2e.services.people.byId(TENANT, seeded.ids.sup1!))!;
      const recorded = await e2e.services.supervision.recordSession(TENANT, sup1, {
        requestId: 'dashboard-api-session',
        attendees: seeded.ids.s1!,
        date: now.toISOString().slice(0, 10),
        minutes: '30',
        kind: 'individual',
        action1Text: 'Draft the stakeholder map',
        action1Owner: seeded.ids.s1!,
        action1Due: '2025-12-31',
      });
      assert.equal(typeof recorded, 'object', JSON.stringify(recorded));
      const v = (await get<SupervisorView>('/api/dashboard/supervisor', await tokenFor('sup1'))).body;
      const amira = v.students.find((s) => s.name === 'Amira Ahmed')!;
      assert.deepEqual(amira.openActions, [
        { text: 'Draft the stakeholder map', dueDate: '2025-12-31', notYet: false },
      ]);
      assert.equal(amira.sharedReflections, 1);
      assert.equal(amira.escalation, null);
      assert.ok(v.students.filter((s) => s.name !== 'Amira Ahmed').every((s) => s.openActions.length === 0));
      const link = await get<ExportLink>(
        `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s1!)}/export-link`,
        await tokenFor('sup1'),
      );
      assert.equal(link.status, 200);
      assert.match(link.body.htmlUrl, /\/exports\//);
      const opened = await fetch(`${e2e.baseUrl}${new URL(link.body.htmlUrl).pathname}`);
      assert.equal(opened.status, 200);
      assert.match(await opened.text(), /shared/i);
      const other = await get(
        `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s4!)}/export-link`,
        await tokenFor('sup1'),
      );
      assert.equal(other.status, 403);
      const asStudent = await get(
        `/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids.s1!)}/export-link`,
        await tokenFor('s1'),
      );
      assert.equal(asStudent.status, 403);
    });

    it('student view: reflections by pillar and standard with gaps, confidence trend', async () => {
      const v = (await get<StudentView>('/api/dashboard/student', await tokenFor('s1'))).body;
      assert.deepEqual(
        v.pillars.data!.map((p) => [p.key, p.count, p.gap]),
        [
          ['clinical', 1, false],
          ['leadership', 2, false],
          ['education', 1, false],
          ['research', 0, true],
        ],
      );
      assert.equal(v.standards.data!.length, 15);
      assert.equal(v.standards.data!.filter((s) => s.gap).length, 12);
      assert.deepEqual(
        v.confidence.data!.points.map((p) => p.week),
        [1, 2, 3],
      );
      const link = await get<ExportLink>('/api/dashboard/student/export-link', await tokenFor('s1'));
      assert.equal(link.status, 200);
      assert.match(link.body.htmlUrl, /\/exports\//);
    });
  });

  describe('pages', () => {
    it('serves the tab pages and assets with a frame-ancestors policy for Teams', async () => {
      for (const page of ['/tabs/my-placement', '/tabs/cohort', '/tabs/config']) {
        const res = await fetch(`${e2e.baseUrl}${page}`);
        assert.equal(res.status, 200, page);
        assert.match(
          res.headers.get('content-security-policy')!,
          /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/,
        );
        const html = await res.text();
        const asset = /src="(\/tabs\/assets\/[^"]+\.js)"/.exec(html)![1]!;
        assert.equal((await fetch(`${e2e.baseUrl}${asset}`)).status, 200);
      }
      assert.equal((await fetch(`${e2e.baseUrl}/tabs/assets/..%2Findex.html`)).status, 404);
    });
  });

  it('the audience the config derives matches the manifest webApplicationInfo.resource shape', () => {
    assert.match(AUDIENCE, /^api:\/\/[^/]+\/[0-9a-f-]+$/);
  });
});
