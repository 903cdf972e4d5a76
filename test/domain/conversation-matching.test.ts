import assert from 'node:assert/strict';
import {
  rankHosts,
  type HostCandidate,
  type StudentHistory,
} from '../../src/domain/conversation-matching.js';

const slot = (day: number, hour = 10): Date => new Date(Date.UTC(2025, 1, day, hour, 0));

function host(
  id: string,
  profession: string,
  roleType: string,
  extra: Partial<HostCandidate> = {},
): HostCandidate {
  return {
    id,
    name: id,
    profession,
    roleType,
    weeklyCap: 3,
    bookedThisWeek: 0,
    nextFreeSlots: [slot(10)],
    ...extra,
  };
}

const noHistory: StudentHistory = { metHostIds: [], metProfessions: {}, metRoleTypes: {} };
const ids = (ranked: { host: HostCandidate }[]): string[] => ranked.map((r) => r.host.id);

describe('conversation-matching', () => {
  it('offers other professions first to a student who met two physiotherapists', () => {
    const hosts = [
      host('physio-a', 'physiotherapy', 'clinical specialist', { nextFreeSlots: [slot(10, 9)] }),
      host('physio-b', 'physiotherapy', 'research', { nextFreeSlots: [slot(10, 9)] }),
      host('pod', 'podiatry', 'clinical specialist', { nextFreeSlots: [slot(12)] }),
      host('diet', 'dietetics', 'EDI lead', { nextFreeSlots: [slot(14)] }),
      host('physio-met', 'physiotherapy', 'FTSU guardian'),
    ];
    const history: StudentHistory = {
      metHostIds: ['physio-met', 'physio-old'],
      metProfessions: { physiotherapy: 2 },
      metRoleTypes: { 'FTSU guardian': 1, 'clinical specialist': 1 },
    };
    const ranked = rankHosts(hosts, history);
    assert.deepEqual(ids(ranked), ['diet', 'pod', 'physio-b', 'physio-a']);
    assert.deepEqual(
      ranked.map((r) => r.rank),
      [1, 2, 3, 4],
    );
    assert.equal(ranked[0]!.reason, "A profession and a role you haven't met yet: dietetics, EDI lead");
    assert.equal(ranked[1]!.reason, "A profession you haven't met yet: podiatry");
    assert.equal(ranked[2]!.reason, "A role you haven't met yet: research");
    assert.equal(ranked[3]!.reason, "You've met physiotherapy 2 times and clinical specialist once");
    assert.equal(ranked[3]!.professionMetCount, 2);
    assert.equal(ranked[3]!.roleTypeMetCount, 1);
  });

  it('ranks professions met fewer times higher', () => {
    const hosts = [
      host('ot', 'occupational therapy', 'digital', { nextFreeSlots: [slot(3)] }),
      host('slt', 'speech and language therapy', 'digital', { nextFreeSlots: [slot(20)] }),
      host('physio', 'physiotherapy', 'digital', { nextFreeSlots: [slot(1)] }),
    ];
    const history: StudentHistory = {
      metHostIds: [],
      metProfessions: { 'occupational therapy': 3, physiotherapy: 2, 'speech and language therapy': 1 },
      metRoleTypes: { digital: 2 },
    };
    assert.deepEqual(ids(rankHosts(hosts, history)), ['slt', 'physio', 'ot']);
  });

  it('compares professions and role types case-insensitively', () => {
    const hosts = [
      host('a', 'Physiotherapy', 'Research', { nextFreeSlots: [slot(1)] }),
      host('b', 'podiatry', 'research', { nextFreeSlots: [slot(2)] }),
    ];
    const history: StudentHistory = {
      metHostIds: [],
      metProfessions: { ' physiotherapy ': 1 },
      metRoleTypes: { RESEARCH: 1 },
    };
    const ranked = rankHosts(hosts, history);
    assert.deepEqual(ids(ranked), ['b', 'a']);
    assert.equal(ranked[1]!.professionMetCount, 1);
    assert.equal(ranked[1]!.roleTypeMetCount, 1);
  });

  it('excludes hosts at or over their weekly cap, and with no free slot', () => {
    const hosts = [
      host('full', 'podiatry', 'EDI lead', { weeklyCap: 2, bookedThisWeek: 2 }),
      host('over', 'podiatry', 'EDI lead', { weeklyCap: 2, bookedThisWeek: 3 }),
      host('zero-cap', 'podiatry', 'EDI lead', { weeklyCap: 0 }),
      host('no-slots', 'podiatry', 'EDI lead', { nextFreeSlots: [] }),
      host('bad-slot', 'podiatry', 'EDI lead', { nextFreeSlots: [new Date('nope')] }),
      host('one-left', 'podiatry', 'EDI lead', { weeklyCap: 2, bookedThisWeek: 1 }),
    ];
    const ranked = rankHosts(hosts, noHistory);
    assert.deepEqual(ids(ranked), ['one-left']);
    assert.equal(ranked[0]!.remainingThisWeek, 1);
  });

  it('excludes hosts already met unless includeMet, and then ranks them after unmet equals', () => {
    const hosts = [
      host('met', 'podiatry', 'EDI lead', { nextFreeSlots: [slot(1)] }),
      host('new', 'podiatry', 'EDI lead', { nextFreeSlots: [slot(5)] }),
    ];
    const history: StudentHistory = {
      metHostIds: ['met'],
      metProfessions: { podiatry: 1 },
      metRoleTypes: { 'EDI lead': 1 },
    };
    assert.deepEqual(ids(rankHosts(hosts, history)), ['new']);
    const withMet = rankHosts(hosts, history, { includeMet: true });
    assert.deepEqual(ids(withMet), ['new', 'met']);
    assert.equal(withMet[1]!.alreadyMet, true);
    assert.equal(withMet[1]!.reason, "You've talked with met before");
  });

  it('breaks ties by earliest next slot, then name, then id', () => {
    const hosts = [
      host('h3', 'podiatry', 'EDI lead', { name: 'Zara', nextFreeSlots: [slot(9), slot(2)] }),
      host('h2', 'podiatry', 'EDI lead', { name: 'Amy', nextFreeSlots: [slot(5)] }),
      host('h1', 'podiatry', 'EDI lead', { name: 'Amy', nextFreeSlots: [slot(5)] }),
      host('h0', 'podiatry', 'EDI lead', { name: 'Ben', nextFreeSlots: [slot(5)] }),
    ];
    const ranked = rankHosts(hosts, noHistory);
    assert.deepEqual(ids(ranked), ['h3', 'h1', 'h2', 'h0']);
    assert.equal(ranked[0]!.nextSlot.toISOString(), slot(2).toISOString(), 'earliest of unsorted slots');
    // Deterministic whatever the input order.
    assert.deepEqual(ids(rankHosts([...hosts].reverse(), noHistory)), ['h3', 'h1', 'h2', 'h0']);
  });

  it('ignores slots before notBefore and honours limit', () => {
    const hosts = [
      host('past-only', 'podiatry', 'EDI lead', { nextFreeSlots: [slot(1)] }),
      host('later', 'podiatry', 'EDI lead', { nextFreeSlots: [slot(1), slot(8)] }),
      host('soon', 'podiatry', 'EDI lead', { nextFreeSlots: [slot(4)] }),
    ];
    const ranked = rankHosts(hosts, noHistory, { notBefore: slot(3) });
    assert.deepEqual(ids(ranked), ['soon', 'later']);
    assert.equal(ranked[1]!.nextSlot.toISOString(), slot(8).toISOString());
    assert.deepEqual(ids(rankHosts(hosts, noHistory)), ['later', 'past-only', 'soon']);
    assert.deepEqual(ids(rankHosts(hosts, noHistory, { limit: 2 })), ['later', 'past-only']);
    assert.deepEqual(rankHosts(hosts, noHistory, { limit: 0 }), []);
  });

  it('returns an empty list when nobody is bookable, and does not mutate its input', () => {
    assert.deepEqual(rankHosts([], noHistory), []);
    const hosts = [
      host('b', 'podiatry', 'x', { nextFreeSlots: [slot(2)] }),
      host('a', 'dietetics', 'x', { nextFreeSlots: [slot(1)] }),
    ];
    const before = ids(hosts.map((h) => ({ host: h })));
    rankHosts(hosts, noHistory);
    assert.deepEqual(ids(hosts.map((h) => ({ host: h }))), before);
  });

  it('keeps the caller’s host type in the result', () => {
    const ranked = rankHosts([{ ...host('a', 'podiatry', 'x'), location: 'online' }], noHistory);
    assert.equal(ranked[0]!.host.location, 'online');
  });

  it("never offers the student's own profession as one not met yet, and ranks it after new ones", () => {
    const ranked = rankHosts(
      [host('ot', 'Occupational therapy', 'FTSU guardian'), host('pod', 'podiatry', 'EDI lead')],
      { ...noHistory, ownProfession: 'occupational therapy' },
    );
    assert.deepEqual(
      ranked.map((r) => r.host.id),
      ['pod', 'ot'],
    );
    assert.equal(ranked[1]!.reason, "A role you haven't met yet: FTSU guardian (in your own profession)");
    assert.ok(!ranked.some((r) => /profession[^.]*haven't met yet: occupational therapy/i.test(r.reason)));
  });
});
