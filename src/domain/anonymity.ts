/**
 * Privacy thresholds for cohort insight: no aggregate is shown for a group smaller than
 * the minimum size, so no individual's answers can be singled out.
 */

export const MIN_GROUP_SIZE_DEFAULT = 5;

export class GroupTooSmallError extends Error {
  override readonly name = 'GroupTooSmallError';
  constructor(
    readonly size: number,
    readonly minimum: number,
  ) {
    super(`Results are hidden for groups smaller than ${minimum} people (this group has ${size})`);
  }
}

function assertMinimum(min: number): void {
  if (!Number.isInteger(min) || min < 1)
    throw new RangeError(`Minimum group size must be a whole number >= 1, got ${min}`);
}

function assertSize(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Group size must be a whole number >= 0, got ${n}`);
}

export function isGroupLargeEnough(n: number, min = MIN_GROUP_SIZE_DEFAULT): boolean {
  assertMinimum(min);
  assertSize(n);
  return n >= min;
}

/** Throws GroupTooSmallError when n < min. */
export function assertGroupLargeEnough(n: number, min = MIN_GROUP_SIZE_DEFAULT): void {
  if (!isGroupLargeEnough(n, min)) throw new GroupTooSmallError(n, min);
}

export interface Suppressed<T> {
  /** Rows whose group is large enough to show, in their original order. */
  visible: T[];
  /** How many rows were hidden (report "n groups hidden", never which ones). */
  suppressedCount: number;
}

/**
 * Keeps only the rows whose group size (`count`, or `sizeOf(row)`) is at least `min`.
 * Callers showing a total alongside must make sure a single hidden row cannot be
 * recovered by subtraction (e.g. hide the total too when exactly one row is hidden).
 */
export function suppressSmallGroups<T>(
  rows: readonly T[],
  min = MIN_GROUP_SIZE_DEFAULT,
  sizeOf: (row: T) => number = (row) => (row as { count: number }).count,
): Suppressed<T> {
  assertMinimum(min);
  const visible = rows.filter((row) => isGroupLargeEnough(sizeOf(row), min));
  return { visible, suppressedCount: rows.length - visible.length };
}

/**
 * How many responses of a survey run may be released. While the run is open, results move
 * only in whole steps (step = max(min, 5): at 5, 10, 15… responses) so that two views of it
 * never differ by one person; once it has closed, all of them. Below the minimum, none.
 */
export function releaseStep(min = MIN_GROUP_SIZE_DEFAULT): number {
  assertMinimum(min);
  return Math.max(min, 5);
}

export function releasedResponses(total: number, min = MIN_GROUP_SIZE_DEFAULT, closed = false): number {
  assertSize(total);
  const released = closed ? total : Math.floor(total / releaseStep(min)) * releaseStep(min);
  return isGroupLargeEnough(released, min) ? released : 0;
}
