/**
 * Dashboard test fixture: the real service (e2e harness, real local database) with tab SSO
 * pointed at a local JWKS the test controls and the development sign-in enabled, plus a
 * placement seeded through the repositories: two cohorts, their leads, an admin, two
 * supervisors and their students.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { CONFIDENCE_AREAS } from '../../src/domain/catalogues.js';
import { dueInstantForWeek } from '../../src/domain/placement-calendar.js';
import { CheckinsRepository } from '../../src/features/checkins/checkins-repository.js';
import { SupervisionRepository } from '../../src/features/supervision/supervision-repository.js';
import { WEB_DIST } from '../../src/features/dashboard/http.js';
import { rollupsFor } from '../../src/features/dashboard/rollups.js';
import {
  ReflectionsRepository,
  reflectionId,
} from '../../src/features/reflections/reflections-repository.js';
import type { Role } from '../../src/storage/people-repository.js';
import { E2E, TENANT } from '../e2e/harness.js';

export const AUDIENCE = 'api://dashboard.test/11111111-2222-3333-4444-555555555555';

/** Builds the front end when dist/web is missing or older than any file in src/web. */
export function ensureWebBuild(): void {
  const src = path.resolve(WEB_DIST, '../../src/web');
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir).map((f) => {
        const full = path.join(dir, f);
        const st = statSync(full);
        return st.isDirectory() ? newest(full) : st.mtimeMs;
      }),
    );
  const index = path.join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(src)) return;
  execFileSync('npx', ['vite', 'build', '--config', path.join(src, 'vite.config.ts')], {
    cwd: path.resolve(src, '../..'),
    stdio: 'inherit',
  });
}

export class TestJwks {
  private server: http.Server | null = null;
  url = '';
  kid = 'dash-key-1';
  privateKey!: CryptoKey;
  otherKey!: CryptoKey;
  private jwk!: JWK;

  async start() {
    const pair = await generateKeyPair('RS256', { extractable: true });
    this.privateKey = pair.privateKey;
    this.jwk = { ...(await exportJWK(pair.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
    this.otherKey = (await generateKeyPair('RS256')).privateKey;
    this.server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [this.jwk] }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/keys`;
    return this;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** An Entra ID-shaped access token (v2 issuer by default); override any claim. */
  sign(claims: {
    oid: string;
    tid?: string;
    aud?: string;
    iss?: string;
    expiresInS?: number;
    key?: CryptoKey;
    upn?: string;
  }) {
    const tid = claims.tid ?? TENANT;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      oid: claims.oid,
      tid,
      ...(claims.upn ? { preferred_username: claims.upn } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(claims.iss ?? `https://login.microsoftonline.com/${tid}/v2.0`)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt(now - 120)
      .setNotBefore(now - 120)
      .setExpirationTime(now + (claims.expiresInS ?? 3600));
    return jwt.sign(claims.key ?? this.privateKey);
  }
}

export interface SeedPerson {
  key: string;
  email: string;
  name: string;
  roles: Role[];
  profession: string;
  cohort: 'A' | 'B' | null;
  supervisor?: string;
}

const OT = 'occupational therapy';
const PT = 'physiotherapy';

/** Cohort A: 5 OT + 2 physio students (a physio cut is below the minimum group size of 5). */
export const PEOPLE: SeedPerson[] = [
  {
    key: 'admin',
    email: 'alex.morgan@example.nhs.uk',
    name: 'Alex Morgan',
    roles: ['lead', 'admin'],
    profession: OT,
    cohort: null,
  },
  {
    key: 'leadA',
    email: 'wendy.marsh@example.nhs.uk',
    name: 'Wendy Marsh',
    roles: ['lead', 'supervisor'],
    profession: OT,
    cohort: 'A',
  },
  {
    key: 'leadB',
    email: 'lena.brook@example.nhs.uk',
    name: 'Lena Brook',
    roles: ['lead'],
    profession: PT,
    cohort: 'B',
  },
  {
    key: 'leadless',
    email: 'nora.none@example.nhs.uk',
    name: 'Nora None',
    roles: ['lead'],
    profession: PT,
    cohort: null,
  },
  {
    key: 'sup1',
    email: 'sam.okoro@example.nhs.uk',
    name: 'Sam Okoro',
    roles: ['supervisor'],
    profession: OT,
    cohort: 'A',
  },
  {
    key: 'sup2',
    email: 'ruth.patel@example.nhs.uk',
    name: 'Ruth Patel',
    roles: ['supervisor'],
    profession: PT,
    cohort: 'A',
  },
  {
    key: 's1',
    email: 'amira.ahmed@student.example.ac.uk',
    name: 'Amira Ahmed',
    roles: ['student'],
    profession: OT,
    cohort: 'A',
    supervisor: 'sup1',
  },
  {
    key: 's2',
    email: 'ben.hughes@student.example.ac.uk',
    name: 'Ben Hughes',
    roles: ['student'],
    profession: PT,
    cohort: 'A',
    supervisor: 'sup1',
  },
  {
    key: 's3',
    email: 'chloe.okafor@student.example.ac.uk',
    name: 'Chloe Okafor',
    roles: ['student'],
    profession: OT,
    cohort: 'A',
    supervisor: 'sup1',
  },
  {
    key: 's4',
    email: 'daniel.brown@student.example.ac.uk',
    name: 'Daniel Brown',
    roles: ['student'],
    profession: PT,
    cohort: 'A',
    supervisor: 'sup2',
  },
  {
    key: 's5',
    email: 'ella.iqbal@student.example.ac.uk',
    name: 'Ella Iqbal',
    roles: ['student'],
    profession: OT,
    cohort: 'A',
    supervisor: 'sup2',
  },
  {
    key: 's6',
    email: 'farah.patel@student.example.ac.uk',
    name: 'Farah Patel',
    roles: ['student'],
    profession: OT,
    cohort: 'A',
    supervisor: 'sup2',
  },
  {
    key: 's7',
    email: 'george.ives@student.example.ac.uk',
    name: 'George Ives',
    roles: ['student'],
    profession: OT,
    cohort: 'A',
    supervisor: 'sup2',
  },
  ...['b1', 'b2', 'b3', 'b4', 'b5'].map((k, i) => ({
    key: k,
    email: `${k}@student.example.ac.uk`,
    name: `Student B${i + 1}`,
    roles: ['student'] as Role[],
    profession: PT,
    cohort: 'B' as const,
  })),
];

export interface Seeded {
  cohortA: string;
  cohortB: string;
  /** person id by key */
  ids: Record<string, string>;
  /** AAD object id by key (everyone but 'unlinked' is linked to Teams) */
  oids: Record<string, string>;
}

export const NOW = new Date('2025-02-20T12:00:00Z'); // week 3 of cohort A

/** `engines: false`: no scheduler or sender, for suites that move the clock (no job runs meanwhile). */
export async function startDashboard(
  jwks: TestJwks,
  options: { engines?: boolean } = {},
): Promise<{ e2e: E2E; seeded: Seeded }> {
  ensureWebBuild();
  const e2e = new E2E();
  await e2e.start(
    {
      DASHBOARD_DEV_LOGIN: 'true',
      TAB_SSO_AUDIENCE: AUDIENCE,
      TAB_SSO_JWKS_URL: jwks.url,
    },
    options,
  );
  e2e.clock.set(NOW);
  const { cohorts, people, supervisions } = e2e.services;
  const cal = {
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'] as const,
    leadershipDays: ['Wed', 'Thu', 'Fri'] as const,
    nonPlacementDates: [],
    supervision: { weekday: 'Thu' as const, time: '14:00' },
    timeZone: 'Europe/London',
    teamsChannelId: null,
  };
  const { id: cohortA } = await cohorts.upsertByName(
    TENANT,
    {
      ...cal,
      clinicalDays: [...cal.clinicalDays],
      leadershipDays: [...cal.leadershipDays],
      name: 'Leadership 2025 cohort 2',
      startDate: '2025-02-03',
    },
    NOW,
  );
  const { id: cohortB } = await cohorts.upsertByName(
    TENANT,
    {
      ...cal,
      clinicalDays: [...cal.clinicalDays],
      leadershipDays: [...cal.leadershipDays],
      name: 'Leadership 2025 cohort 3',
      startDate: '2025-02-10',
    },
    NOW,
  );
  const ids: Record<string, string> = {};
  const oids: Record<string, string> = {};
  for (const p of PEOPLE) {
    const cohortId = p.cohort === 'A' ? cohortA : p.cohort === 'B' ? cohortB : null;
    await people.upsertByEmail(
      TENANT,
      {
        email: p.email,
        displayName: p.name,
        roles: p.roles,
        profession: p.profession,
        cohortId,
        timeZone: null,
      },
      NOW,
    );
    const doc = (await people.byEmail(TENANT, p.email))!;
    ids[p.key] = doc._id;
    oids[p.key] = `aad-${p.key}`;
    await people.linkTeamsIdentity(
      TENANT,
      doc._id,
      { teamsUserId: `29:${p.key}`, aadObjectId: oids[p.key] },
      NOW,
    );
  }
  for (const p of PEOPLE)
    if (p.supervisor) await supervisions.link(TENANT, ids[p.key]!, ids[p.supervisor]!, NOW);
  await seedActivity(e2e, cohortA, ids);
  // The refresher may have run while the placement was being seeded: refresh the rollups as
  // its next run would, so the lead overview is served from the seeded data.
  const rollups = rollupsFor(e2e.services);
  await rollups.settle();
  await rollups.refreshAll(NOW);
  return { e2e, seeded: { cohortA, cohortB, ids, oids } };
}

/**
 * Check-ins, reflections, feedback and supervision sessions for cohort A, written through the
 * features' own repositories. Weeks 1-2 are due by NOW, week 3 is not:
 * - week 1: all 7 students; week 2: 6 (George Ives is overdue); week 3: 5 (not Chloe, George);
 * - wellbeing 2 (a flag) for Ben in every week, 1 for Daniel in week 2;
 * - all sent the day before they were due, except s1's week 2: the day after (late);
 * - confidence rises by one point a week from 2 (student index shifts it a little).
 */
export const CHECKIN_WEEKS: Record<number, string[]> = {
  1: ['s1', 's2', 's3', 's4', 's5', 's6', 's7'],
  2: ['s1', 's2', 's3', 's4', 's5', 's6'],
  3: ['s1', 's2', 's4', 's5', 's6'],
};

async function seedActivity(e2e: E2E, cohortId: string, ids: Record<string, string>) {
  const db = e2e.services.database.db;
  const checkins = new CheckinsRepository(db);
  const cohort = (await e2e.services.cohorts.byId(TENANT, cohortId))!;
  for (const [weekText, keys] of Object.entries(CHECKIN_WEEKS)) {
    const week = Number(weekText);
    for (const key of keys) {
      const i = Number(key.slice(1));
      const wellbeing = key === 's2' ? 2 : key === 's4' && week === 2 ? 1 : 4;
      const dueAt = dueInstantForWeek(cohort, week);
      // Sent the day before it was due (or NOW, if earlier); s1's week 2 the day after (late).
      const lateOne = key === 's1' && week === 2;
      const sentAt = dueAt
        ? new Date(Math.min(NOW.getTime(), dueAt.getTime() + (lateOne ? 1 : -1) * 86_400_000))
        : NOW;
      await checkins.save(
        TENANT,
        {
          studentId: ids[key]!,
          cohortId,
          week,
          of: 6,
          dueAt,
          answers: {
            wellbeing,
            progress: 'QI project baseline audit done',
            leadership: 'Chaired the huddle',
            wentWell: 'Feedback from the team',
            hard: 'Time',
            topics: 'Project scope',
            confidence: Object.fromEntries(
              CONFIDENCE_AREAS.map((a, k) => [a.id, Math.min(5, 1 + week + ((i + k) % 2))]),
            ),
          },
        },
        sentAt,
      );
    }
  }
  const reflections = new ReflectionsRepository(db);
  const reflect = async (
    key: string,
    flow: string,
    pillars: string[],
    standards: string[],
    shared: boolean,
  ) => {
    const personId = ids[key]!;
    await reflections.insertReflection(TENANT, {
      _id: reflectionId(TENANT, personId, flow),
      personId,
      cohortId,
      flowId: flow,
      model: 'what-so-what',
      answers: { what: 'Led the huddle', soWhat: 'Confidence', nowWhat: 'Do it again' },
      linkId: null,
      standardsVersion: 'HCPC-SOP-2023',
      standards,
      pillars,
      topic: 'qi-project',
      shared,
      sharedAt: shared ? NOW : null,
      schemaVersion: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    return reflectionId(TENANT, personId, flow);
  };
  await reflect('s1', 'f1', ['leadership'], ['9', '8'], false);
  await reflect('s1', 'f2', ['leadership', 'education'], ['9'], true);
  await reflect('s1', 'f3', ['clinical'], ['7'], false);
  const answered = await reflect('s2', 'f1', ['research'], ['11'], true);
  await reflections.addFeedback(TENANT, {
    _id: `${answered}|fb1`,
    reflectionId: answered,
    studentId: ids.s2!,
    supervisorId: ids.sup1!,
    text: 'Good reflection',
    schemaVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
  });
  const sessions = new SupervisionRepository(db);
  const session = (
    studentId: string,
    week: number,
    date: string,
    minutes: number,
    kind: 'individual' | 'group',
  ) =>
    sessions.saveAttendeeRecords(
      TENANT,
      [{ studentId, cohortId, week, date, minutes, kind, recordedBy: ids.sup1! }],
      `fixture-${studentId}-${week}`,
      NOW,
    );
  await session(ids.s1!, 1, '2025-02-06', 45, 'individual');
  await session(ids.s1!, 2, '2025-02-13', 45, 'individual');
  await session(ids.s2!, 1, '2025-02-06', 30, 'group');
}
