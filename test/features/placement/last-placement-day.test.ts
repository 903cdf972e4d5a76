/**
 * One last day for one placement (issue #29): the check-in texts, the lead workspace, the
 * non-placement-day check, the event form and the milestone card all state the placement's last
 * day as lastPlacementDate (its last clinical or leadership day), never the calendar end
 * (start + 7 × weeks − 1, here a Sunday). A 12-week placement from Mon 12 Oct 2026 runs
 * Mon–Fri, so it ends Fri 1 Jan 2027, not Sun 3 Jan 2027.
 */
import assert from 'node:assert/strict';
import {
  endDate,
  formatDate,
  lastPlacementDate,
  placementDatesText,
} from '../../../src/domain/placement-calendar.js';
import { formIntro } from '../../../src/features/checkins/late-checkins.js';
import { cohortErrors } from '../../../src/features/events/event-input.js';
import { parseNonPlacementDate } from '../../../src/features/lead-workspace/cohort-form-input.js';
import type { CohortDoc } from '../../../src/storage/cohorts-repository.js';

const cohort = {
  _id: 'tenant|cohort|last-day',
  tenantId: 'tenant',
  name: 'Leadership 2026 cohort 3',
  startDate: '2026-10-12',
  weeks: 12,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu', 'Fri'],
  nonPlacementDates: [],
  supervision: { weekday: 'Thu', time: '14:00' },
  timeZone: 'Europe/London',
  teamsChannelId: null,
} as unknown as CohortDoc;

const LAST = 'Fri 1 Jan 2027';

describe("the placement's last day is the same in every text (lastPlacementDate)", () => {
  it('is Fri 1 Jan 2027, not the calendar end Sun 3 Jan 2027', () => {
    assert.equal(endDate(cohort), '2027-01-03');
    assert.equal(formatDate(lastPlacementDate(cohort)), LAST);
  });

  it('the late check-in form, the workspace, the non-placement day and the event form agree', () => {
    const late = formIntro(
      cohort,
      {
        week: 1,
        of: 12,
        promptAt: null,
        dueAt: new Date('2026-10-15T13:00:00Z'),
        reminderAt: null,
        paused: false,
      },
      [],
      'Europe/London',
      new Date('2026-12-01T10:00:00Z'),
    );
    assert.match(late, /until your placement ends \(([^)]+)\)/);
    const checkinSays = /until your placement ends \(([^)]+)\)/.exec(late)![1];

    const workspaceSays = / to (.+) \(12 weeks\)$/.exec(placementDatesText(cohort))![1];

    const nonPlacement = parseNonPlacementDate({ date: '2027-01-03' }, cohort);
    assert.equal(nonPlacement.ok, false);
    const nonPlacementSays = / to (.+)$/.exec(
      (nonPlacement as { errors: Record<string, string> }).errors.date!,
    )![1];

    const event = cohortErrors(
      { date: '2027-01-02', startTime: '10:00' },
      cohort,
      new Date('2026-12-01T10:00:00Z'),
    );
    const eventSays = / to (.+)\)$/.exec(event.date!)![1];

    assert.deepEqual(
      { checkinSays, workspaceSays, nonPlacementSays, eventSays },
      { checkinSays: LAST, workspaceSays: LAST, nonPlacementSays: LAST, eventSays: LAST },
    );
  });
});
