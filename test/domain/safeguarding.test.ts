import assert from 'node:assert/strict';
import {
  alertWellbeingLine,
  DEFAULT_ALERT_WELLBEING,
  DISTRESS_PHRASES,
  distressPhrasesIn,
  safeguardingConcern,
} from '../../src/domain/safeguarding.js';

describe('domain: safeguarding (same-day alert rule)', () => {
  it("finds Monday's words: struggling and thinking of leaving", () => {
    assert.deepEqual(distressPhrasesIn('I am really struggling and thinking of leaving'), [
      'struggling',
      'thinking of leaving',
    ]);
  });

  it('ignores case, curly apostrophes and hyphen/space spelling; reports a phrase once', () => {
    assert.deepEqual(distressPhrasesIn('I CAN’T COPE'), ["can't cope"]);
    assert.deepEqual(distressPhrasesIn('thoughts of self harm', 'and self-harm'), ['self-harm']);
    assert.deepEqual(distressPhrasesIn('I was Bullied on the ward'), ['bullied']);
  });

  it('finds the words typed without apostrophes, as on a phone', () => {
    assert.deepEqual(distressPhrasesIn('i cant cope anymore'), ["can't cope"]);
    assert.deepEqual(distressPhrasesIn('dont feel safe on nights'), ["don't feel safe"]);
    assert.deepEqual(distressPhrasesIn('i wanna quit tbh'), ['want to quit']);
    assert.deepEqual(distressPhrasesIn('cant make thursday, will check in friday'), []);
  });

  it('matches whole words only, and finds the words in any field', () => {
    assert.deepEqual(distressPhrasesIn('an unsafeguarded area'), []);
    assert.deepEqual(distressPhrasesIn('Led my first huddle.', '', 'I feel unsafe on nights'), ['unsafe']);
    assert.deepEqual(distressPhrasesIn('Balancing project time with clinical days.'), []);
  });

  it('every phrase in the list is found in a sentence that uses it', () => {
    for (const phrase of DISTRESS_PHRASES)
      assert.ok(distressPhrasesIn(`Honestly, ${phrase}, this week.`).length > 0, phrase);
  });

  it('wellbeing at or below the line is a concern without any words; above it, only words are', () => {
    assert.deepEqual(safeguardingConcern({ wellbeing: 1, texts: ['fine'] }), {
      lowWellbeing: true,
      phrases: [],
    });
    assert.deepEqual(safeguardingConcern({ wellbeing: 2, texts: [] }), { lowWellbeing: true, phrases: [] });
    assert.equal(safeguardingConcern({ wellbeing: 3, texts: ['Led my first huddle.'] }), null);
    assert.deepEqual(safeguardingConcern({ wellbeing: 4, texts: ["I'm being bullied"] }), {
      lowWellbeing: false,
      phrases: ['bullied'],
    });
  });

  it('the line is configurable per cohort (1 to 4); anything else falls back to 2', () => {
    assert.equal(DEFAULT_ALERT_WELLBEING, 2);
    assert.equal(safeguardingConcern({ wellbeing: 3, texts: [] }, alertWellbeingLine(3))?.lowWellbeing, true);
    assert.equal(safeguardingConcern({ wellbeing: 2, texts: [] }, alertWellbeingLine(1)), null);
    for (const bad of [undefined, null, 0, 5, 2.5, '3', NaN]) assert.equal(alertWellbeingLine(bad), 2);
  });
});
