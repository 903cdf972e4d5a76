import assert from 'node:assert/strict';
import { parseOwnQuestions } from '../../../src/features/surveys/own-questions.js';

describe('surveys: a lead’s own questions, one a line', () => {
  it('parses scale, choice, multi and text lines into a definition', () => {
    const r = parseOwnQuestions(
      ' Induction check ',
      'scale: How useful?\n\nchoice: Which day? | Mon | Wed\nMULTI: What helped? | A | B | C\ntext: Anything else?',
    );
    assert.ok(r.ok);
    assert.equal(r.definition.title, 'Induction check');
    assert.equal(r.definition.purpose, 'custom');
    assert.deepEqual(
      r.definition.questions.map((q) => [q.id, q.type]),
      [
        ['q1', 'rating'],
        ['q2', 'single'],
        ['q3', 'multiple'],
        ['q4', 'text'],
      ],
    );
    const q3 = r.definition.questions[2]!;
    assert.ok(q3.type === 'multiple' && q3.options.map((o) => o.id).join() === 'o1,o2,o3');
  });

  it('says which line is wrong, and refuses more than 12 questions or no title', () => {
    assert.deepEqual(parseOwnQuestions('T', 'scale: A?\nhow are you'), {
      ok: false,
      errors: { questions: 'Line 2: start with scale:, choice:, multi: or text:' },
    });
    assert.deepEqual(parseOwnQuestions('T', 'choice: Pick | one'), {
      ok: false,
      errors: { questions: 'Line 1: give at least two options, separated by |' },
    });
    assert.deepEqual(parseOwnQuestions('T', 'scale: A? | x | y'), {
      ok: false,
      errors: { questions: 'Line 1: only choice and multi questions have options' },
    });
    const thirteen = Array.from({ length: 13 }, (_, i) => `text: Q${i}?`).join('\n');
    assert.equal(parseOwnQuestions('T', thirteen).ok, false);
    assert.equal(parseOwnQuestions('T', thirteen.split('\n').slice(0, 12).join('\n')).ok, true);
    assert.equal(parseOwnQuestions('  ', 'text: A?').ok, false);
  });
});
