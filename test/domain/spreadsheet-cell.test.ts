import assert from 'node:assert/strict';
import { spreadsheetSafe } from '../../src/domain/spreadsheet-cell.js';

describe('spreadsheetSafe: one formula-injection rule for every CSV export', () => {
  it('prefixes text a spreadsheet would run as a formula, and leaves the rest alone', () => {
    for (const v of ['=SUM(A1)', '+1', '-2', '@x', '\tx', '\rx']) assert.equal(spreadsheetSafe(v), `'${v}`);
    for (const v of ['plain', 'a=b', '', ' =x']) assert.equal(spreadsheetSafe(v), v);
    assert.equal(spreadsheetSafe(-2), -2);
    assert.equal(spreadsheetSafe(null), null);
  });
});
