/**
 * Telemetry over the real service (HTTP, Teams AI, real local database, fake Bot Connector):
 * - off (no connection string, no test exporter): nothing is installed (no provider, no
 *   context manager, no database command monitoring) and log lines carry no trace ids;
 * - on (in-memory exporter and reader): a student's check-in submit is one trace of the turn
 *   span and its database spans; a supervisor's comment on it is one trace of the turn, its
 *   database spans (the outbox insert among them) and the outbox send attempts (a 429, then
 *   the delivery) that the sender made later; log lines written in a turn carry its trace id;
 *   turn.duration, outbox.sends, outbox backlog gauges and jobs.runs are exported;
 * - and a scan of every exported span, event, link, metric and attribute finds none of the
 *   people's names, emails, Teams ids, person ids or the text they typed, nor any email.
 */
import assert from 'node:assert/strict';
import { SAFEGUARDING_PURPOSE } from '../../src/features/checkins/safeguarding-alert.js';
import { context, SpanKind, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../../src/logger.js';
import { activeTelemetry, startTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { cardTexts, E2E, type TestUser } from '../e2e/harness.js';
import { seedWorld } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}.telemetry@example.nhs.uk`,
});
const priya = user('priya', 'Priya Shah');
const sam = user('sam', 'Sam Okoro');

const TYPED = {
  progress: 'Zebrafish audit baseline collected 7731.',
  wentWell: 'Quillon huddle went well 5521.',
  hard: 'Marmalade rota clash 9042.',
  topics: 'Periwinkle data question 3318.',
  comment: 'Xylophone: bring the audit numbers 6407.',
};
const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

const answers = () => ({
  week: 1,
  wellbeing: '4',
  progress: TYPED.progress,
  leadership: '',
  wentWell: TYPED.wentWell,
  hard: TYPED.hard,
  topics: TYPED.topics,
  conf_leadership: '3',
  'conf_time-management': '3',
  'conf_interprofessional-collaboration': '3',
  'conf_professional-behaviours': '3',
  conf_communication: '3',
});

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (s: string) => void lines.push(JSON.parse(s)) } };
}

async function seed(e2e: E2E): Promise<{ priyaId: string; samId: string }> {
  const world = await seedWorld(e2e, {
    cohort: { name: 'Autumn 2025', startDate: '2025-10-20' },
    people: [
      [priya, ['student']],
      [sam, ['supervisor']],
    ],
    links: [[priya, sam]],
    now: new Date('2025-10-01T00:00:00Z'),
  });
  return { priyaId: world.id(priya), samId: world.id(sam) };
}

describe('telemetry: off without a connection string', function () {
  this.timeout(60_000);
  const e2e = new E2E();
  const log = logCapture();
  after(() => e2e.stop());

  it('installs no provider, no context manager and no command monitoring; logs carry no trace id', async () => {
    const telemetry = await startTelemetry({ connectionString: undefined });
    assert.equal(telemetry.enabled, false);
    assert.equal(activeTelemetry(), null);
    // The API's no-op path: spans do not record and no context is carried.
    const span = trace.getTracer('probe').startSpan('probe');
    assert.equal(span.isRecording(), false);
    context.with(trace.setSpan(context.active(), span), () =>
      assert.equal(trace.getSpan(context.active()), undefined),
    );

    await e2e.start({ LOG_LEVEL: 'debug' }, { logger: createLogger('debug', log.stream), engines: false });
    assert.equal(e2e.services.database.client.options.monitorCommands, false);
    assert.equal(e2e.services.database.client.listenerCount('commandStarted'), 0);
    await seed(e2e);
    await e2e.post(e2e.install(priya));
    assert.ok(log.lines.length > 0);
    assert.ok(log.lines.every((l) => !('trace_id' in l) && !('span_id' in l)));
  });
});

describe('telemetry: a check-in submit over HTTP, exported in memory', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const spans = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const log = logCapture();
  let telemetry: Telemetry;
  let ids: { priyaId: string; samId: string };

  const finished = () => spans.getFinishedSpans();
  const inTrace = (traceId: string) => finished().filter((s) => s.spanContext().traceId === traceId);
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const turnSpan = (verb: string) => {
    const found = finished().filter(
      (s) => s.kind === SpanKind.SERVER && s.attributes['teams.card.verb'] === verb,
    );
    assert.equal(found.length, 1, `one turn span for ${verb}`);
    return found[0]!;
  };
  async function collectMetrics(): Promise<ResourceMetrics> {
    await reader.forceFlush();
    const all = metricExporter.getMetrics();
    return all[all.length - 1]!;
  }
  const points = (rm: ResourceMetrics, name: string) => {
    const found: { attributes: Record<string, unknown>; value: unknown }[] = [];
    for (const scope of rm.scopeMetrics)
      for (const m of scope.metrics)
        if (m.descriptor.name === name)
          for (const p of m.dataPoints) found.push({ attributes: p.attributes, value: p.value });
    return found;
  };

  before(async () => {
    telemetry = await startTelemetry({ spanExporter: spans, metricReader: reader });
    assert.equal(telemetry.enabled, true);
    await e2e.start({ LOG_LEVEL: 'debug' }, { logger: createLogger('debug', log.stream) });
    // Only the sender runs in the background: job runs are driven below.
    await e2e.services.scheduler.stop();
    ids = await seed(e2e);
    e2e.clock.set(new Date('2025-10-21T10:00:00Z')); // Tue of week 1
    for (const u of [priya, sam]) await e2e.post(e2e.install(u));
    await e2e.services.sender.drain();
    spans.reset();
    log.lines.length = 0;
  });
  after(async () => {
    await e2e.stop();
    await telemetry.shutdown();
    assert.equal(activeTelemetry(), null);
  });

  it('the student’s submit is one trace: the turn span with its database spans as children', async () => {
    assert.equal(e2e.services.database.client.options.monitorCommands, true);
    const res = await e2e.post(e2e.execute(priya, 'checkin.submit', answers()));
    assert.match(cardTexts(res.body.value).join(' | '), /check-in received/);
    const turn = turnSpan('checkin.submit');
    assert.equal(turn.name, 'POST /api/messages');
    assert.equal(parentOf(turn), undefined, 'the turn span is the root');
    assert.deepEqual(
      {
        route: turn.attributes['http.route'],
        status: turn.attributes['http.response.status_code'],
        type: turn.attributes['teams.activity.type'],
        invoke: turn.attributes['teams.invoke.name'],
      },
      { route: '/api/messages', status: 200, type: 'invoke', invoke: 'adaptiveCard/action' },
    );
    // Every span finished by now belongs to this one trace (nothing else ran meanwhile).
    const traceId = turn.spanContext().traceId;
    assert.deepEqual(new Set(finished().map((s) => s.spanContext().traceId)), new Set([traceId]));
    const db = inTrace(traceId).filter((s) => s.attributes['db.system.name'] === 'mongodb');
    assert.ok(db.length >= 3, `database spans: ${db.length}`);
    const turnId = turn.spanContext().spanId;
    assert.ok(db.every((s) => parentOf(s) === turnId && s.kind === SpanKind.CLIENT));
    const ops = new Set(
      db.map((s) => `${s.attributes['db.operation.name']} ${s.attributes['db.collection.name']}`),
    );
    assert.ok(
      [...ops].some((o) => / checkins$/.test(o)),
      [...ops].join(', '),
    );
    assert.ok(ops.has('insert audit') || [...ops].some((o) => / audit/.test(o)), [...ops].join(', '));
    // Database work happened inside the turn's time.
    for (const s of db) assert.ok(s.startTime[0] * 1e3 + s.startTime[1] / 1e6 >= turn.startTime[0] * 1e3 - 1);
  });

  it('a supervisor’s comment is one trace: turn, database spans, and the later outbox sends (429, then delivered)', async () => {
    spans.reset();
    let faults = 0;
    e2e.connector.fault = ({ method, activity }) =>
      method === 'POST' && String(activity?.summary ?? '').includes('commented') && faults++ === 0
        ? { status: 429, headers: { 'Retry-After': '0' } }
        : undefined;
    const res = await e2e.post(
      e2e.execute(sam, 'checkin.comment', {
        studentId: ids.priyaId,
        week: 1,
        idx: '0',
        comment_0: TYPED.comment,
      }),
    );
    assert.equal(res.status, 200);
    await e2e.services.sender.drain();
    assert.equal(faults >= 2, true, 'the notification was refused once, then sent');
    e2e.connector.fault = () => undefined;

    const turn = turnSpan('checkin.comment');
    const traceId = turn.spanContext().traceId;
    const all = inTrace(traceId);
    assert.deepEqual(new Set(finished().map((s) => s.spanContext().traceId)), new Set([traceId]));
    assert.ok(
      all.some(
        (s) =>
          s.attributes['db.collection.name'] === 'outbox' && s.attributes['db.operation.name'] === 'insert',
      ),
    );
    const attempts = all.filter((s) => s.name === 'outbox.send');
    // Attempts that lost the item's claim to another worker make no call and say so.
    const sends = attempts
      .filter((s) => s.attributes['outbox.outcome'] === 'answered')
      .sort((a, b) => Number(a.attributes['outbox.attempt']) - Number(b.attributes['outbox.attempt']));
    assert.deepEqual(
      sends.map((s) => [
        s.attributes['outbox.attempt'],
        s.attributes['http.response.status_code'],
        s.attributes['outbox.status_class'],
        s.attributes['outbox.purpose'],
      ]),
      [
        [1, 429, '429', 'checkin.comment'],
        [2, 200, '2xx', 'checkin.comment'],
      ],
    );
    assert.ok(attempts.every((s) => sends.includes(s) || s.attributes['outbox.outcome'] === 'not-sent'));
    for (const s of attempts) {
      assert.equal(parentOf(s), turn.spanContext().spanId, 'a send is a child of the turn that enqueued it');
      assert.equal(s.kind, SpanKind.PRODUCER);
    }
    // The sender's database work (claim, delivery record, mark) is inside its attempt's span.
    const sendIds = new Set(sends.map((s) => s.spanContext().spanId));
    assert.ok(
      all.some((s) => sendIds.has(parentOf(s) ?? '') && s.attributes['db.system.name'] === 'mongodb'),
    );
  });

  it('log lines written inside a turn carry its trace id', async () => {
    const traceIds = new Set(finished().map((s) => s.spanContext().traceId));
    const timings = log.lines.filter((l) => l.msg === 'http: turn timing');
    assert.ok(timings.length >= 1);
    for (const l of timings) {
      assert.match(String(l.trace_id), /^[0-9a-f]{32}$/);
      assert.match(String(l.span_id), /^[0-9a-f]{16}$/);
    }
    assert.ok(timings.some((l) => traceIds.has(String(l.trace_id))));
  });

  it('exports turn.duration by route, outbox.sends by status class, the backlog gauges and job runs', async () => {
    const ran = await e2e.services.scheduler.runDue();
    const rm = await collectMetrics();
    const turns = points(rm, 'turn.duration');
    assert.ok(
      turns.some(
        (p) =>
          p.attributes['http.route'] === '/api/messages' && p.attributes['teams.activity.type'] === 'invoke',
      ),
    );
    const sends = points(rm, 'outbox.sends');
    const byClass = (c: string) =>
      sends.filter((p) => p.attributes['outbox.status_class'] === c).reduce((n, p) => n + Number(p.value), 0);
    assert.ok(byClass('2xx') >= 2, 'installs and the comment were delivered');
    assert.equal(byClass('429'), 1);
    assert.deepEqual(
      points(rm, 'outbox.backlog').map((p) => p.value),
      [0],
    );
    assert.deepEqual(
      points(rm, 'outbox.oldest_age').map((p) => p.value),
      [0],
    );
    assert.ok(ran > 0, 'the maintenance jobs are due');
    const runs = points(rm, 'jobs.runs');
    assert.equal(
      runs.reduce((n, p) => n + Number(p.value), 0),
      ran,
    );
    assert.ok(runs.every((p) => typeof p.attributes['job.name'] === 'string'));
    assert.ok(finished().some((s) => s.name === 'job.run'));
  });

  it('a check-in that raises the safeguarding alert is one trace: turn, database and outbox spans', async () => {
    spans.reset();
    const res = await e2e.post(e2e.execute(priya, 'checkin.submit', { ...answers(), wellbeing: '1' }));
    assert.equal(res.status, 200);
    await e2e.services.sender.drain();
    const turn = turnSpan('checkin.submit');
    const traceId = turn.spanContext().traceId;
    const all = inTrace(traceId);
    assert.ok(
      all.some((s) => s.attributes['db.collection.name'] === 'checkins'),
      'the check-in was written',
    );
    assert.ok(
      all.some(
        (s) =>
          s.attributes['db.collection.name'] === 'outbox' && s.attributes['db.operation.name'] === 'insert',
      ),
      'the alert was enqueued in this turn',
    );
    const sends = all.filter(
      (s) => s.name === 'outbox.send' && s.attributes['outbox.outcome'] === 'answered',
    );
    assert.deepEqual(
      sends.map((s) => [s.attributes['outbox.purpose'], s.attributes['outbox.status_class']]),
      [[SAFEGUARDING_PURPOSE, '2xx']],
    );
    assert.equal(parentOf(sends[0]!), turn.spanContext().spanId, 'the send is a child of the submit');
  });

  it('no exported span, event, link or metric carries names, emails, Teams ids, person ids or typed text', async () => {
    const rm = await collectMetrics();
    const exported: unknown[] = [
      ...finished().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        links: s.links,
        status: s.status,
        resource: s.resource.attributes,
      })),
      ...rm.scopeMetrics.flatMap((s) =>
        s.metrics.map((m) => ({ d: m.descriptor, p: m.dataPoints.map((p) => p.attributes) })),
      ),
    ];
    assert.ok(finished().length > 10);
    const text = JSON.stringify(exported);
    const forbidden = [
      priya.name,
      sam.name,
      'Priya',
      'Shah',
      'Okoro',
      priya.email!,
      sam.email!,
      priya.id,
      sam.id,
      priya.aadObjectId!,
      sam.aadObjectId!,
      ids.priyaId,
      ids.samId,
      ...Object.values(TYPED),
      '7731',
      '5521',
      '6407',
    ];
    for (const f of forbidden) assert.ok(!text.includes(f), `exported telemetry contains ${f}`);
    assert.doesNotMatch(text, EMAIL);
  });
});
