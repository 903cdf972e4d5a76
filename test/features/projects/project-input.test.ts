import assert from 'node:assert/strict';
import { safeData, typedValues } from '../../../src/features/projects/project-input.js';

describe('projects: card input', () => {
  it('tampered or non-object card data reads as an empty submit', () => {
    for (const data of [null, undefined, 'x', 3, [{ projectId: 'p' }], { projectId: { $ne: null } }])
      assert.deepEqual(safeData(data), {});
    assert.deepEqual(safeData(JSON.parse('{"projectId": "p", "__proto__": {"admin": true}}')), {});
  });

  it('plain card data is read as sent; multi-selects are echoed back as "a,b"', () => {
    const data = safeData({ projectId: 'p', studentIds: ['a', 'b'], title: 'T' });
    assert.deepEqual(data, { projectId: 'p', studentIds: ['a', 'b'], title: 'T' });
    assert.deepEqual(typedValues(data, ['title', 'studentIds', 'missing']), {
      title: 'T',
      studentIds: 'a,b',
      missing: '',
    });
  });
});
