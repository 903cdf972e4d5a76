/**
 * Logs carry no names, emails or free text: the real logger's output is captured, first for
 * direct calls with personal fields at several depths, then for whole journeys through the
 * service at debug level (messages, card submits, a failing turn, unknown people).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createPlacementCompanion, type PlacementCompanion } from '../../src/app.js';
import { ControllableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { dropDatabaseNamed, testMongoUri, uniqueDbName } from '../helpers/db.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import { E2E, TENANT } from '../e2e/harness.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const NAME = 'Imogen Featherstonehaugh';
const EMAIL = 'imogen.featherstonehaugh@example.nhs.uk';
const TYPED = 'my supervisor said something very private about my confidence';

describe('security: logs carry no names, emails or typed text', function () {
  this.timeout(60_000);

  it('redacts personal fields at any logged depth and masks emails in every string', () => {
    const { lines, stream } = capture();
    const logger = createLogger('trace', stream);
    logger.info({ name: NAME, email: EMAIL, text: TYPED, displayName: NAME }, 'top level');
    logger.info(
      { person: { displayName: NAME, email: EMAIL }, activity: { text: TYPED, from: { name: NAME } } },
      'nested',
    );
    logger.info({ a: { b: { name: NAME, value: TYPED } } }, 'two levels down');
    logger.warn(
      {
        err: `E11000 duplicate key error collection: people index: tenant_email dup key: { email: "${EMAIL}" }`,
      },
      'db error',
    );
    logger.error(new Error(`cannot reach ${EMAIL}`), `failed for ${EMAIL}`);
    logger.info({ headers: { authorization: 'Bearer secret-token' } }, 'request');
    const all = lines.join('\n');
    assert.equal(lines.length, 6);
    for (const secret of [NAME, EMAIL, TYPED, 'secret-token', 'featherstonehaugh@'])
      assert.ok(!all.includes(secret), `found ${secret} in:\n${all}`);
    assert.match(all, /\[redacted\]/);
    assert.match(all, /\[email\]/);
    assert.match(all, /"msg":"db error"/, 'the log line itself is kept');
  });

  describe('a running service at debug level', () => {
    const e2e = new E2E();
    const connector = new FakeConnector();
    const clock = new ControllableClock();
    const out = capture();
    let service: PlacementCompanion;
    let baseUrl = '';
    const student = { id: '29:log-student', aadObjectId: 'aad-log-student', name: NAME, email: EMAIL };
    const stranger = {
      id: '29:log-stranger',
      name: 'Barnaby Quillfeather',
      email: 'barnaby.quillfeather@elsewhere.org',
    };

    before(async () => {
      await connector.start();
      const config = loadConfig({
        MONGODB_URI: await testMongoUri(),
        MONGODB_DB: uniqueDbName('logs'),
        DEFAULT_TENANT_ID: TENANT,
        LOG_LEVEL: 'debug',
      });
      service = await createPlacementCompanion({
        config,
        logger: createLogger('debug', out.stream),
        mongoUri: await testMongoUri(),
        clock,
      });
      baseUrl = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
      await service.services.people.upsertByEmail(
        TENANT,
        {
          email: EMAIL,
          displayName: NAME,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId: null,
          timeZone: null,
        },
        new Date(),
      );
      connector.addMember({
        id: student.id,
        name: NAME,
        email: EMAIL,
        userPrincipalName: EMAIL,
        aadObjectId: student.aadObjectId,
      });
      connector.addMember({
        id: stranger.id,
        name: stranger.name,
        email: stranger.email,
        userPrincipalName: stranger.email,
      });
    });
    after(async () => {
      const name = service.services.database.db.databaseName;
      await service.stop();
      await connector.stop();
      await dropDatabaseNamed(name);
    });

    const post = (activity: Record<string, unknown>) =>
      fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
      });

    it('logs no personal data across turns, card submits, failures and unknown people', async () => {
      await post(e2e.install(student));
      await post(e2e.message(student, 'help'));
      await post(e2e.message(student, TYPED));
      await post(e2e.execute(student, 'cohort.link', { cohortId: TYPED, note: NAME }));
      await post(e2e.execute(student, 'no.such.verb', { text: TYPED, email: EMAIL }));
      await post(e2e.message(stranger, `hello, I am ${stranger.name}, ${stranger.email}`));
      // A connector that fails: the turn error path logs too.
      connector.fault = () => ({ status: 403 });
      await post(e2e.message(student, 'help'));
      connector.fault = () => undefined;
      await service.services.sender.drain(5_000).catch(() => undefined);
      const all = out.lines.join('\n');
      assert.ok(
        out.lines.some((l) => l.includes('turn failed')),
        `the failure was logged:\n${all}`,
      );
      for (const secret of [
        NAME,
        EMAIL,
        TYPED,
        'Imogen',
        'Featherstonehaugh',
        stranger.name,
        stranger.email,
        'Quillfeather',
      ])
        assert.ok(!all.includes(secret), `found "${secret}" in the logs:\n${all}`);
    });
  });
});
