/**
 * CSV cells that a spreadsheet would run as a formula (text starting with = + - @, a tab or a
 * carriage return) get a leading apostrophe, so the text is shown, never executed. Every CSV
 * export uses this one rule. Numbers are left as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function spreadsheetSafe<T extends string | number | null | undefined>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}
