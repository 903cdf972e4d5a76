/**
 * A time limit for one turn (TURN_TIMEOUT_MS for messages, INVOKE_TIMEOUT_MS for card actions):
 * a turn that hangs is answered in time over real HTTP, its in-flight slot is released, the
 * sender is told to try again, the next turn works, and the late turn, once it ends, writes
 * what it was doing but says nothing more (no second reply, no card, no crash). Turns past
 * their limit are bounded too, and a request whose authentication hangs gets 503 and never
 * runs. The slow part is a test-only feature whose handlers wait on a gate the test opens
 * (no production route or switch), followed by a real database write.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { TURN_ERROR_MESSAGE } from '../../src/bot/turn-error.js';
import { turnPerson, turnTenantId } from '../../src/bot/turn-person.js';
import { configSchema } from '../../src/config.js';
import type { PlatformRoutes } from '../../src/bot/application.js';
import { features as allFeatures } from '../../src/features/index.js';
import { TURN_TIMEOUT_MESSAGE } from '../../src/http/turn-time-limit.js';
import { createLogger } from '../../src/logger.js';
import { collections } from '../../src/storage/collections.js';
import { E2E, type TestUser } from '../e2e/harness.js';
import { FakeIdentity, makeKey } from './fake-identity.js';

const TURN_LIMIT_MS = 800;
const INVOKE_LIMIT_MS = 600;
/** Allowed on top of a limit for the answer to arrive (loopback, 2 shared cores). */
const MARGIN_MS = 1500;

/** What the slow handlers wait for: a stand-in for a database call that does not come back. */
class Gate {
  private open!: () => void;
  private fail!: (err: Error) => void;
  promise!: Promise<void>;
  waiting = 0;
  constructor() {
    this.reset();
  }
  reset() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.open = resolve;
      this.fail = reject;
    });
    this.promise.catch(() => undefined);
    this.waiting = 0;
  }
  async pass() {
    this.waiting++;
    await this.promise;
  }
  release() {
    this.open();
  }
  break(err: Error) {
    this.fail(err);
  }
}

const gate = new Gate();

/** Test-only routes: each waits on the gate, then writes to the real database and replies. */
const slowRoutes: PlatformRoutes = (app, services) => {
  app.message(/^\s*slow turn\s*$/i, async (context) => {
    await gate.pass();
    const person = turnPerson(context);
    await services.audit.record(
      turnTenantId(context),
      { actorId: person._id, action: 'test.slow-turn', targetId: context.activity.id ?? null },
      services.clock.now(),
    );
    await context.sendActivity('slow turn finished');
  });
  app.adaptiveCards.actionExecute('test.slow', async () => {
    await gate.pass();
    return 'slow card action finished';
  });
  app.adaptiveCards.actionExecute('test.answered-then-slow', async (context) => {
    await context.sendActivity({
      type: 'invokeResponse',
      value: {
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: 'answered early',
        },
      },
    });
    await gate.pass();
    return 'late answer';
  });
};

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('security: a time limit for one slow turn', function () {
  this.timeout(60_000);

  it('config: TURN_TIMEOUT_MS defaults to 10 s (Teams re-sends after 15 s), INVOKE_TIMEOUT_MS to 4 s (invokes: 5 s)', () => {
    const defaults = configSchema.parse({});
    assert.equal(defaults.TURN_TIMEOUT_MS, 10_000);
    assert.equal(defaults.INVOKE_TIMEOUT_MS, 4000);
    assert.ok(defaults.INVOKE_TIMEOUT_MS < 5000 && defaults.TURN_TIMEOUT_MS < 15_000);
    assert.equal(configSchema.safeParse({ TURN_TIMEOUT_MS: '0' }).success, false);
    assert.equal(configSchema.safeParse({ INVOKE_TIMEOUT_MS: 'soon' }).success, false);
  });

  describe('over real HTTP', () => {
    const e2e = new E2E();
    const logs = capture();
    const student: TestUser = {
      id: '29:slow-student',
      aadObjectId: 'aad-slow-student',
      name: 'Perpetua Slowcombe',
      email: 'perpetua.slowcombe@example.nhs.uk',
    };
    const conversationId = `a:personal-${student.id}`;
    const texts = () => e2e.sentTo(conversationId).map((a) => String(a.text ?? ''));
    const timeLimitLogs = () =>
      logs.records().filter((r) => /time limit/.test(String(r.msg)) && r.activityId !== undefined);

    async function timedPost(activity: Record<string, unknown>) {
      const started = Date.now();
      const response = await fetch(`${e2e.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
        // Without a time limit the request would wait for the gate: fail instead of hanging.
        signal: AbortSignal.timeout(TURN_LIMIT_MS + 4000),
      });
      const text = await response.text();
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: text ? JSON.parse(text) : null,
        tookMs: Date.now() - started,
      };
    }

    const auditCount = () =>
      e2e.services.database.db
        .collection(collections.audit.name)
        .countDocuments({ action: 'test.slow-turn' });

    before(async () => {
      await e2e.start(
        {
          TURN_TIMEOUT_MS: String(TURN_LIMIT_MS),
          INVOKE_TIMEOUT_MS: String(INVOKE_LIMIT_MS),
          MAX_INFLIGHT_TURNS: '2',
          LOG_LEVEL: 'info',
        },
        { features: allFeatures, platformRoutes: [slowRoutes], logger: createLogger('info', logs.stream) },
      );
      await e2e.addStudent(student);
      assert.equal((await e2e.post(e2e.install(student))).status, 200);
    });
    after(async () => {
      gate.release();
      await e2e.stop();
    });
    beforeEach(() => {
      gate.reset();
      e2e.connector.reset();
      logs.lines.length = 0;
    });

    it('a hanging message turn: 202 within the limit, slot released, "try again" sent, next turn works, late reply dropped', async () => {
      const slow = e2e.message(student, 'slow turn');
      const answer = await timedPost(slow);
      assert.equal(answer.status, 202);
      assert.ok(
        answer.tookMs >= TURN_LIMIT_MS - 50 && answer.tookMs < TURN_LIMIT_MS + MARGIN_MS,
        `answered after ${answer.tookMs} ms`,
      );
      assert.equal(gate.waiting, 1, 'the turn is still waiting on its slow call');
      assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 1 });
      await e2e.connector.waitFor(() => texts().includes(TURN_TIMEOUT_MESSAGE));

      // The next turn runs normally while the slow one still hangs.
      const help = await timedPost(e2e.message(student, 'help'));
      assert.equal(help.status, 200);
      assert.ok(help.tookMs < TURN_LIMIT_MS, `help took ${help.tookMs} ms`);
      assert.ok(e2e.connector.delivered(conversationId).length >= 2, 'help answered');

      // The slow call comes back: the turn finishes its write, but its reply goes nowhere.
      gate.release();
      await until(() => e2e.service.turns().lingering === 0, 'the late turn to end');
      assert.equal(await auditCount(), 1, 'the late turn wrote once');
      assert.ok(!texts().includes('slow turn finished'), texts().join(' | '));
      assert.equal(texts().filter((t) => t === TURN_TIMEOUT_MESSAGE).length, 1);

      const [passed, ended] = timeLimitLogs();
      assert.equal(passed?.msg, 'http: turn passed its time limit; request answered and its slot released');
      assert.equal(passed.activityId, slow.id);
      assert.equal(passed.level, 40);
      assert.equal(passed.limitMs, TURN_LIMIT_MS);
      assert.equal(passed.status, 202);
      assert.equal(ended?.msg, 'http: a turn that passed its time limit has ended');
      assert.equal(ended.outcome, 'completed');
      assert.equal(ended.droppedReplies, 1);
      const all = logs.lines.join('\n');
      for (const personal of [student.name, student.email!, 'Slowcombe', 'slow turn'])
        assert.ok(!all.includes(personal), `log contains ${personal}`);
    });

    it('a hanging card action: HTTP 200 with a "took too long" message within INVOKE_TIMEOUT_MS, the late card ignored', async () => {
      const answer = await timedPost(e2e.execute(student, 'test.slow', {}));
      assert.equal(answer.status, 200);
      assert.ok(
        answer.tookMs >= INVOKE_LIMIT_MS - 50 && answer.tookMs < INVOKE_LIMIT_MS + MARGIN_MS,
        `answered after ${answer.tookMs} ms`,
      );
      assert.deepEqual(answer.body, {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: TURN_TIMEOUT_MESSAGE,
      });
      assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 1 });
      gate.release();
      await until(() => e2e.service.turns().lingering === 0, 'the late turn to end');
      assert.deepEqual(e2e.connector.delivered(), [], 'nothing sent to the conversation');
      const ended = timeLimitLogs().find((r) => r.outcome);
      assert.equal(ended?.verb, 'test.slow');
      assert.equal(ended?.invoke, 'adaptiveCard/action');
      assert.equal(ended?.droppedReplies, 1, 'the late invoke response');
      const next = await timedPost(e2e.execute(student, 'test.slow', {}));
      assert.equal(next.body?.value, 'slow card action finished', 'the next card action is handled');
    });

    it('a card action that answered and then hung gets the answer it had, not the timeout message', async () => {
      const answer = await timedPost(e2e.execute(student, 'test.answered-then-slow', {}));
      assert.equal(answer.status, 200);
      assert.ok(answer.tookMs < INVOKE_LIMIT_MS + MARGIN_MS);
      assert.equal(answer.body?.value, 'answered early');
      gate.release();
      await until(() => e2e.service.turns().lingering === 0, 'the late turn to end');
    });

    it('a late turn that fails says nothing either, and the service carries on', async () => {
      const answer = await timedPost(e2e.message(student, 'slow turn'));
      assert.equal(answer.status, 202);
      await e2e.connector.waitFor(() => texts().includes(TURN_TIMEOUT_MESSAGE));
      gate.break(new Error('the slow call failed'));
      await until(() => e2e.service.turns().lingering === 0, 'the late turn to end');
      assert.ok(!texts().includes(TURN_ERROR_MESSAGE), 'the error reply of the late turn is dropped');
      const ended = timeLimitLogs().find((r) => r.outcome);
      assert.equal(ended?.droppedReplies, 1);
      assert.equal((await timedPost(e2e.message(student, 'help'))).status, 200);
    });

    it('turns past their limit are bounded by MAX_INFLIGHT_TURNS: 503 + Retry-After until they end', async () => {
      const two = await Promise.all([
        timedPost(e2e.message(student, 'slow turn')),
        timedPost(e2e.message(student, 'slow turn')),
      ]);
      assert.deepEqual(
        two.map((a) => a.status),
        [202, 202],
      );
      assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 2 });
      const refused = await timedPost(e2e.message(student, 'help'));
      assert.equal(refused.status, 503);
      assert.match(refused.retryAfter ?? '', /^\d+$/);
      gate.release();
      await until(() => e2e.service.turns().lingering === 0, 'the late turns to end');
      assert.equal((await timedPost(e2e.message(student, 'help'))).status, 200);
      assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 0 });
    });
  });

  describe('when authentication itself hangs (signing keys endpoint not answering)', () => {
    const APP_ID = '00000000-0000-4000-8000-00000000510a';
    const identity = new FakeIdentity();
    const e2e = new E2E();
    const student: TestUser = {
      id: '29:slow-auth',
      aadObjectId: 'aad-slow-auth',
      name: 'Ann Auth',
      email: 'ann.auth@example.nhs.uk',
    };
    let token = '';
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Holds the OpenID metadata request until released, then passes the real document on.
    const slowMetadata = http.createServer(async (_req, res) => {
      await released;
      const upstream = await fetch(identity.metadataUrl);
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });

    before(async () => {
      await identity.start();
      const key = await makeKey('slow-auth-key');
      identity.published = [key];
      await new Promise<void>((resolve) => slowMetadata.listen(0, '127.0.0.1', resolve));
      const metadataUrl = `http://127.0.0.1:${(slowMetadata.address() as AddressInfo).port}/metadata`;
      await e2e.start({
        ENABLE_TEST_CLOCK: 'false',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'test-secret',
        BOT_OPENID_METADATA_URL: metadataUrl,
        BOT_TOKEN_ISSUER: identity.issuer,
        BOT_TOKEN_ENDPOINT: identity.tokenEndpoint,
        TURN_TIMEOUT_MS: String(TURN_LIMIT_MS),
      });
      await e2e.addStudent(student);
      token = await identity.sign(key, {
        aud: APP_ID,
        serviceurl: e2e.connector.url,
      });
    });
    after(async () => {
      release();
      await e2e.stop();
      slowMetadata.closeAllConnections();
      await new Promise<void>((resolve) => slowMetadata.close(() => resolve()));
      await identity.stop();
    });

    it('answers 503 + Retry-After within the limit, and the turn never runs once keys arrive', async () => {
      const started = Date.now();
      const response = await fetch(`${e2e.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(e2e.message(student, 'help')),
        signal: AbortSignal.timeout(TURN_LIMIT_MS + 4000),
      });
      await response.text();
      const tookMs = Date.now() - started;
      assert.equal(response.status, 503);
      assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok(
        tookMs >= TURN_LIMIT_MS - 50 && tookMs < TURN_LIMIT_MS + MARGIN_MS,
        `answered after ${tookMs} ms`,
      );
      assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 1 });

      release();
      await until(() => e2e.service.turns().lingering === 0, 'the late request to end');
      assert.deepEqual(e2e.connector.delivered(), [], 'no reply');
      assert.equal(
        await e2e.services.database.db.collection(collections.conversationReferences.name).countDocuments(),
        0,
        'the turn did not run (no conversation reference saved)',
      );
      // Keys are loaded now: the same request is handled normally when the channel retries.
      const retried = await fetch(`${e2e.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(e2e.message(student, 'help')),
      });
      await retried.text();
      assert.equal(retried.status, 200);
      await e2e.connector.waitFor((calls) => calls.length > 0);
    });
  });
});
