/**
 * Bookings per second under contention, on the real local database (FerretDB 1.x / SQLite).
 *
 * HOSTS hosts publish SLOTS_PER_HOST slots each; STUDENTS students book concurrently
 * (CONCURRENCY at a time) through ConversationService.book — the same code path as the
 * `conv.book` card action. Every student starts on one of the earliest few slots, so many
 * race for the same slot; a student who loses ("just taken") or hits a full week books the
 * next alternative, as the card offers. Prints bookings/s and the fraction that needed a retry,
 * and checks the invariants: one booking per slot, no host-week over its cap.
 *
 *   npx tsx bench/bookings.ts        (bounded: a few hundred bookings, well under 2 minutes)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControllableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { HttpConnectorClient } from '../src/proactive/connector-client.js';
import { noTokens } from '../src/proactive/token-provider.js';
import { createServices } from '../src/services.js';
import { collections, ensureIndexes } from '../src/storage/collections.js';
import { connectDatabase } from '../src/storage/mongo.js';
import type { PersonDoc } from '../src/storage/people-repository.js';
import { slotId, type BookingDoc } from '../src/features/conversations/conversations-repository.js';
import { isoWeekKey, planSlots } from '../src/features/conversations/slot-planning.js';
import { startLocalDb } from '../tools/local-db/local-db.js';

const HOSTS = 8;
const SLOTS_PER_HOST = 40; // 8 days x 5 slots
const WEEKLY_CAP = 20;
const STUDENTS = 240;
const CONCURRENCY = 24;
const START_SPREAD = 4; // students start on one of the earliest 4 slots overall
const TENANT = 'bench-tenant';

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-bookings-'));
  const localDb = await startLocalDb({ dataDir, quiet: true });
  const config = loadConfig({ MONGODB_URI: localDb.uri, MONGODB_DB: 'bench_bookings', LOG_LEVEL: 'silent' });
  const database = await connectDatabase(localDb.uri, config.MONGODB_DB);
  try {
    await database.db.dropDatabase();
    await ensureIndexes(database.db);
    const clock = new ControllableClock();
    clock.set(new Date('2025-11-03T08:00:00Z'));
    const services = createServices({
      config,
      clock,
      logger: createLogger('silent'),
      database,
      connector: new HttpConnectorClient(noTokens),
    });
    const { people, conversations } = services;
    const now = clock.now();

    // Hosts and their slots (Mon-Thu of two weeks, 5 x 20 min with a 10 min buffer).
    const hostIds: string[] = [];
    for (let h = 0; h < HOSTS; h++) {
      const email = `host${h}@example.nhs.uk`;
      const { id: personId } = await people.addRoleByEmail(
        TENANT,
        email,
        'ahp-host',
        { displayName: `Host ${h}`, profession: 'physiotherapy' },
        now,
      );
      await conversations.hosts.upsertByEmail(
        TENANT,
        {
          email,
          displayName: `Host ${h}`,
          profession: ['dietetics', 'podiatry', 'radiography', 'orthoptics'][h % 4]!,
          roleType: 'research',
          bio: 'Bench host.',
          location: 'online',
          weeklyCap: WEEKLY_CAP,
          personId,
        },
        now,
      );
      const host = (await conversations.hosts.byEmail(TENANT, email))!;
      hostIds.push(host._id);
      const docs = [
        '2025-11-04',
        '2025-11-05',
        '2025-11-06',
        '2025-11-07',
        '2025-11-11',
        '2025-11-12',
        '2025-11-13',
        '2025-11-14',
      ]
        .flatMap((date) =>
          planSlots({
            date,
            time: '09:00',
            count: SLOTS_PER_HOST / 8,
            bufferMinutes: 10,
            weeks: 1,
            zone: 'Europe/London',
          }),
        )
        .map((p) => ({
          _id: slotId(TENANT, host._id, p.startsAt),
          hostId: host._id,
          hostPersonId: personId,
          startsAt: p.startsAt,
          endsAt: p.endsAt,
          state: 'open' as const,
          schemaVersion: 1,
          createdAt: now,
          updatedAt: now,
        }));
      await conversations.repo.insertSlots(TENANT, docs);
    }
    const students: PersonDoc[] = [];
    for (let i = 0; i < STUDENTS; i++) {
      const email = `student${i}@example.ac.uk`;
      await people.upsertByEmail(
        TENANT,
        {
          email,
          displayName: `Student ${i}`,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId: null,
          timeZone: null,
        },
        now,
      );
      students.push((await people.byEmail(TENANT, email))!);
    }
    // Alternatives in the order the card offers them: earliest first across hosts.
    const slots = (
      await conversations.repo.openSlots(TENANT, now, new Date(now.getTime() + 30 * 86_400_000))
    ).map((s) => ({
      slotId: s._id,
      hostId: s.hostId,
      startsAt: s.startsAt.toISOString(),
      week: isoWeekKey(s.startsAt, 'Europe/London'),
    }));

    let booked = 0;
    let retried = 0;
    let attempts = 0;
    let gaveUp = 0;
    const latencies: number[] = [];
    // What a refreshed card knows: slots already booked and host-weeks already full.
    const taken = new Set<string>();
    const fullHosts = new Set<string>();
    const bookOne = async (student: PersonDoc, index: number) => {
      let lost = false;
      let k = index % START_SPREAD;
      for (let tries = 0; tries < 50; tries++) {
        while (
          k < slots.length &&
          (taken.has(slots[k]!.slotId) || fullHosts.has(`${slots[k]!.hostId}|${slots[k]!.week}`))
        )
          k++;
        if (k >= slots.length) break;
        const candidate = slots[k]!;
        attempts++;
        const t0 = performance.now();
        const outcome = await conversations.book(TENANT, student, candidate);
        latencies.push(performance.now() - t0);
        if (outcome.status === 'booked') {
          taken.add(candidate.slotId);
          booked++;
          if (lost) retried++;
          return;
        }
        if (outcome.status === 'invalid') throw new Error(`unexpected: ${outcome.message}`);
        if (outcome.status === 'taken') taken.add(candidate.slotId);
        else fullHosts.add(`${candidate.hostId}|${candidate.week}`);
        lost = true;
      }
      gaveUp++;
    };

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < students.length) {
          const i = next++;
          await bookOne(students[i]!, i);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    // Invariants, read back from the database.
    const bookings = await database.db
      .collection<BookingDoc>(collections.conversationBookings.name)
      .find({ state: 'booked' })
      .toArray();
    const perSlot = new Map<string, number>();
    const perHostWeek = new Map<string, number>();
    for (const b of bookings) {
      perSlot.set(b.slotId, (perSlot.get(b.slotId) ?? 0) + 1);
      perHostWeek.set(`${b.hostId}|${b.weekKey}`, (perHostWeek.get(`${b.hostId}|${b.weekKey}`) ?? 0) + 1);
    }
    const doubleBooked = [...perSlot.values()].filter((n) => n > 1).length;
    const overCap = [...perHostWeek.values()].filter((n) => n > WEEKLY_CAP).length;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);

    console.log(`bookings under contention on the local database (FerretDB 1.x / SQLite)`);
    console.log(
      `  data: ${HOSTS} hosts x ${SLOTS_PER_HOST} slots (cap ${WEEKLY_CAP}/week), ${STUDENTS} students, ${CONCURRENCY} concurrent, all starting on the earliest ${START_SPREAD} slots`,
    );
    console.log(
      `  booked ${booked} in ${seconds.toFixed(2)} s = ${(booked / seconds).toFixed(1)} bookings/s (${attempts} attempts, ${(attempts / seconds).toFixed(1)} attempts/s)`,
    );
    console.log(
      `  needed a retry (lost a race or hit a full week, then booked an alternative): ${retried}/${booked} = ${((retried / Math.max(1, booked)) * 100).toFixed(1)}%`,
    );
    console.log(`  attempts per booking: ${(attempts / Math.max(1, booked)).toFixed(2)}; gave up: ${gaveUp}`);
    console.log(`  latency per attempt ms: p50 ${pct(0.5)}, p95 ${pct(0.95)}, max ${pct(1)}`);
    console.log(
      `  invariants: bookings in db ${bookings.length}, double-booked slots ${doubleBooked}, host-weeks over cap ${overCap}`,
    );
    if (doubleBooked > 0 || overCap > 0 || bookings.length !== booked) process.exitCode = 1;
  } finally {
    await database.close();
    await localDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
