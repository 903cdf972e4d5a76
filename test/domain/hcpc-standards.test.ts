import assert from 'node:assert/strict';
import {
  CURRENT_HCPC_CATALOGUE,
  HCPC_SOP_2023,
  isKnownStandard,
  standardLabel,
  standardTitle,
} from '../../src/domain/hcpc-standards.js';

describe('hcpc-standards', () => {
  it('is the versioned 2023 catalogue of 15 standards numbered 1..15 in order', () => {
    assert.equal(HCPC_SOP_2023.version, 'HCPC-SOP-2023');
    assert.equal(CURRENT_HCPC_CATALOGUE, HCPC_SOP_2023);
    assert.deepEqual(
      HCPC_SOP_2023.standards.map((s) => s.code),
      Array.from({ length: 15 }, (_, i) => String(i + 1)),
    );
  });

  it('has short, distinct, non-empty titles suitable for a card', () => {
    const titles = HCPC_SOP_2023.standards.map((s) => s.title);
    assert.equal(new Set(titles).size, 15);
    for (const title of titles) {
      assert.ok(title.length > 0 && title.length <= 80, title);
      assert.equal(title, title.trim());
      assert.match(title, /^[A-Z]/);
    }
  });

  it('uses the 2023 titles', () => {
    assert.equal(standardTitle('1'), 'Practise safely and effectively within their scope of practice');
    assert.equal(standardTitle('7'), 'Communicate effectively');
    assert.equal(standardTitle('8'), 'Work appropriately with others');
    assert.equal(standardTitle('9'), 'Practise as a leader');
    assert.equal(standardTitle('11'), 'Reflect on and review practice');
    assert.equal(standardTitle('15'), 'Establish and maintain a safe practice environment');
  });

  it('recognises only known codes', () => {
    assert.equal(isKnownStandard('1'), true);
    assert.equal(isKnownStandard('15'), true);
    for (const code of ['0', '16', '01', ' 1', '1.1', '', 'constructor', '__proto__', 'toString']) {
      assert.equal(isKnownStandard(code), false, JSON.stringify(code));
      assert.equal(standardTitle(code), undefined, JSON.stringify(code));
    }
  });

  it('labels a standard for cards and exports', () => {
    assert.equal(standardLabel('9'), 'SOP 9: Practise as a leader');
    assert.throws(() => standardLabel('16'), /Unknown HCPC standard "16" \(HCPC-SOP-2023\)/);
  });
});
