import assert from 'node:assert/strict';
import {
  createExportToken,
  EXPORT_LINK_TTL_MS,
  verifyExportToken,
} from '../../../src/features/reflections/export-links.js';

const SECRET = 'test-secret-that-is-long-enough-for-hmac-0001';
const now = new Date('2025-02-10T12:00:00Z');
const make = () =>
  createExportToken(SECRET, {
    tenantId: 't1',
    requesterId: 't1|alice',
    subjectId: 't1|alice',
    format: 'html',
    now,
  });

describe('reflections: signed export links', () => {
  it('verifies a fresh token and returns what it was made for', () => {
    const { token } = make();
    const result = verifyExportToken(SECRET, token, new Date(now.getTime() + 60_000));
    assert.ok(result.ok);
    assert.equal(result.claims.for, 't1|alice');
    assert.equal(result.claims.of, 't1|alice');
    assert.equal(result.claims.f, 'html');
  });

  it('expires after 15 minutes', () => {
    const { token } = make();
    assert.equal(EXPORT_LINK_TTL_MS, 15 * 60_000);
    assert.ok(verifyExportToken(SECRET, token, new Date(now.getTime() + EXPORT_LINK_TTL_MS - 1)).ok);
    assert.deepEqual(verifyExportToken(SECRET, token, new Date(now.getTime() + EXPORT_LINK_TTL_MS)), {
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a token re-pointed at another person, a later expiry, another secret or garbage', () => {
    const { token } = make();
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = (change: object) =>
      `${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${signature}`;
    assert.deepEqual(verifyExportToken(SECRET, forged({ of: 't1|bob' }), now), {
      ok: false,
      reason: 'bad-signature',
    });
    assert.deepEqual(verifyExportToken(SECRET, forged({ for: 't1|bob' }), now), {
      ok: false,
      reason: 'bad-signature',
    });
    assert.deepEqual(verifyExportToken(SECRET, forged({ exp: claims.exp + 1e9 }), now), {
      ok: false,
      reason: 'bad-signature',
    });
    assert.equal(verifyExportToken('another-secret-of-enough-length-0000000', token, now).ok, false);
    for (const bad of [
      '',
      'abc',
      `${payload}.`,
      `${payload}.${signature}.x`,
      `${payload}.${signature.slice(0, -2)}`,
      42,
      null,
      { $gt: '' },
    ])
      assert.equal(verifyExportToken(SECRET, bad, now).ok, false, String(bad));
  });

  it('mints unguessable tokens: two links for the same export differ', () => {
    const a = make();
    const b = make();
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.claims.n, b.claims.n);
    assert.ok(Buffer.from(a.claims.n, 'base64url').length >= 16);
  });
});
