import assert from 'node:assert/strict';
import { personalCollections } from '../../src/features/data-protection/personal-data.js';
import { PERSONAL_DATA_LABELS, personalDataFacts } from '../../src/features/data-protection/labels.js';
import { collections } from '../../src/storage/collections.js';

describe('data export / erase cards: human labels for every kind of personal data', () => {
  it('every registered collection holding personal data has a label', () => {
    const missing = personalCollections()
      .map((c) => c.name)
      .filter((name) => !PERSONAL_DATA_LABELS[name]);
    assert.deepEqual(missing, [], 'add a label in src/features/data-protection/labels.ts');
  });

  it('labels are words, not collection names, and no two kinds share one', () => {
    const labels = personalCollections().map((c) => PERSONAL_DATA_LABELS[c.name]!);
    for (const label of labels) assert.doesNotMatch(label, /_/, label);
    assert.equal(new Set(labels).size, labels.length);
  });

  it('the card facts use the labels', () => {
    assert.deepEqual(
      personalDataFacts({ [collections.conversationReferences.name]: 1, [collections.outbox.name]: 9 }),
      [
        { title: 'Conversations with the bot', value: '1' },
        { title: 'Messages waiting', value: '9' },
      ],
    );
  });
});
