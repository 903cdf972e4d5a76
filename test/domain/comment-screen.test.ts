import assert from 'node:assert/strict';
import { holdReasons, nameIndex } from '../../src/domain/comment-screen.js';

describe('comment screen: survey free text held back from shared results', () => {
  const names = nameIndex(['Sam Okoro', 'Alex Morgan-Hughes', 'Will Li', 'Zoë Åberg']);

  it('holds back a comment naming a roster person (full name in any case, or a capitalised part)', () => {
    assert.deepEqual(holdReasons('Okoro shouted at me', names), ['names-person']);
    assert.deepEqual(holdReasons('sam okoro was rude', names), ['names-person']);
    assert.deepEqual(holdReasons('Thanks to Sam for the support', names), ['names-person']);
    assert.deepEqual(holdReasons('Morgan-Hughes helped', names), ['names-person']);
    assert.deepEqual(holdReasons('Zoë was kind', names), ['names-person']);
  });

  it('does not hold back ordinary words that only look like a name part', () => {
    assert.deepEqual(holdReasons('I will ask for more time; sample size was small', names), []);
    assert.deepEqual(holdReasons('Samples were late (Samson ward)', names), []);
    assert.deepEqual(holdReasons('Li', names), []); // two letters: too short to tell
  });

  it('holds back words of a safety concern (the safeguarding phrases)', () => {
    assert.deepEqual(holdReasons('I felt unsafe on nights', names), ['safety']);
    assert.deepEqual(holdReasons('Sam was bullying a student', names), ['names-person', 'safety']);
  });
});
