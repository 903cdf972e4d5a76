/** Entities in what people write: who they want to meet, and which week (pure). */
import assert from 'node:assert/strict';
import { hostFitsWish, hostWishIn } from '../../src/domain/host-wish.js';
import { dayIn, weekIn, withEntities } from '../../src/understanding/entities.js';

describe('understanding: entities', () => {
  it('finds a profession however it is written, and a role after "with", "meet" or "talk to"', () => {
    const cases: [string, string | null][] = [
      ['book me a chat with someone from physio', 'physiotherapy'],
      ['can I talk to an OT', 'occupational therapy'],
      ['I want to meet a speech and language therapist', 'speech and language therapy'],
      ['chat with a dietician please', 'dietetics'],
      ["I'd like to book a chat with the EDI lead", 'edi lead'],
      ['book a conversation with a FTSU guardian next week', 'ftsu guardian'],
      ['book a conversation', null],
      ['book a chat with someone', null],
      ['wanna meet the ftsu guardian', 'ftsu guardian'],
      ['can i talk to the ahp lead', 'ahp lead'],
      ['i want to talk to someone about my placement', null],
      ['book a chat with the EDI lead about inclusion', 'edi lead'],
      ['I want to meet an AHP', null],
      ['I want to meet someone in a role I have not met yet', null],
    ];
    for (const [text, expected] of cases) assert.equal(hostWishIn(text)?.name ?? null, expected, text);
  });

  it('a host fits by profession, or by a role type that names the wish', () => {
    const physio = { profession: 'Physiotherapy', roleType: 'clinical specialist' };
    const edi = { profession: 'osteopathy', roleType: 'EDI lead' };
    assert.ok(hostFitsWish(physio, hostWishIn('a physio')!));
    assert.ok(!hostFitsWish(edi, hostWishIn('a physio')!));
    assert.ok(hostFitsWish(edi, hostWishIn('with the EDI lead')!));
    assert.ok(!hostFitsWish(physio, hostWishIn('with the EDI lead')!));
  });

  it('finds a week, and carries entities into the command they belong to', () => {
    assert.equal(weekIn("last week's check-in"), 'last week');
    assert.equal(weekIn('show my check in from week 2'), 'week 2');
    assert.equal(weekIn('my check in for week three'), 'week 3');
    assert.equal(weekIn('can I do my check in'), null);
    assert.equal(withEntities('my check-ins', "last week's check-in"), 'check in last week');
    assert.equal(withEntities('my check-ins', 'show me my previous check-ins'), 'my check-ins');
    assert.equal(
      withEntities('book a conversation', 'book me a chat with someone from physio'),
      'book a conversation with physiotherapy',
    );
    assert.equal(withEntities('my journey', 'physio journey last week'), 'my journey');
  });

  it('finds a day a question names, and carries it into my placement', () => {
    const cases: [string, string | null][] = [
      ['is thursday a leadership day', 'thursday'],
      ['what am i doing on friday', 'friday'],
      ['am i on placement next monday', 'next monday'],
      ['is the 5th of may a bank holiday', '5 may'],
      ['am i in on june 3rd', '3 jun'],
      ['whats on thurs', 'thursday'],
      ['is tmrw a leadership day', null],
      ['whos my supervisor', null],
      ['4 marches', null],
    ];
    for (const [text, expected] of cases) assert.equal(dayIn(text), expected, text);
    assert.equal(withEntities('my placement', 'is thursday a leadership day'), 'my placement on thursday');
    assert.equal(withEntities('my placement', 'is the 5th of may a bank holiday'), 'my placement on 5 may');
    assert.equal(withEntities('my placement', 'what week am i on'), 'my placement');
    assert.equal(withEntities('check in', 'check in on friday'), 'check in');
  });
});
