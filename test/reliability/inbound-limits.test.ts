/**
 * Inbound protection on POST /api/messages: a body size limit (413), a request timeout for
 * clients that never finish sending (408 / connection closed), and a bounded number of turns
 * in flight (503 + Retry-After beyond it, and the bound recovers after every kind of ending).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { E2E, type TestUser } from '../e2e/harness.js';

describe('reliability: inbound limits', function () {
  this.timeout(60_000);
  const e2e = new E2E();
  const student: TestUser = {
    id: '29:limits-student',
    aadObjectId: 'aad-limits',
    name: 'Lim Student',
    email: 'lim.student@example.nhs.uk',
  };

  before(async () => {
    await e2e.start({ MAX_INFLIGHT_TURNS: '2', REQUEST_TIMEOUT_MS: '1000', BODY_LIMIT_BYTES: '8192' });
    await e2e.addStudent(student);
    await e2e.post(e2e.install(student));
  });
  after(() => e2e.stop());
  afterEach(() => e2e.connector.reset());

  it('answers 413 to a body over BODY_LIMIT_BYTES, and handles one just under it', async () => {
    const big = { ...e2e.message(student, 'help'), padding: 'x'.repeat(9000) };
    const res = await fetch(`${e2e.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(big),
    });
    assert.equal(res.status, 413);
    const fits = { ...e2e.message(student, 'help'), padding: 'x'.repeat(6000) };
    assert.equal((await e2e.post(fits)).status, 200);
  });

  it('drops a client that does not finish its request within REQUEST_TIMEOUT_MS', async () => {
    const port = Number(new URL(e2e.baseUrl).port);
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":',
        );
      });
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 10_000, `closed after ${waited} ms`);
    assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer.slice(0, 80));
  });

  it('answers 503 with Retry-After beyond MAX_INFLIGHT_TURNS, and recovers once turns finish', async () => {
    e2e.connector.latencyMs = 800; // every reply takes 0.8 s, so turns overlap
    const results = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(`${e2e.baseUrl}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(e2e.message(student, 'help')),
        });
        await res.text();
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    assert.equal(ok.length, 2, JSON.stringify(results));
    assert.equal(busy.length, 4);
    for (const b of busy) assert.match(b.retryAfter ?? '', /^\d+$/);
    e2e.connector.latencyMs = 0;
    assert.equal((await e2e.post(e2e.message(student, 'help'))).status, 200);
  });

  it('releases the in-flight slot after refusals and failures too', async () => {
    for (let i = 0; i < 5; i++) {
      // A failing turn (the connector refuses the reply), a malformed body, an unsupported invoke.
      e2e.connector.fault = () => ({ status: 403 });
      assert.equal((await e2e.post(e2e.message(student, 'help'))).status, 200);
      e2e.connector.fault = () => undefined;
      assert.equal((await e2e.post({ type: 42 })).status, 400);
      assert.equal(
        (await e2e.post({ ...e2e.message(student, 'x'), type: 'invoke', name: 'no/such' })).status,
        400,
      );
    }
    const two = await Promise.all([
      e2e.post(e2e.message(student, 'help')),
      e2e.post(e2e.message(student, 'help')),
    ]);
    assert.deepEqual(
      two.map((r) => r.status),
      [200, 200],
    );
  });
});
