import assert from 'node:assert/strict';
import { parseSessionSubmit } from '../../../src/features/supervision/session-input.js';

const TODAY = '2025-02-13';
const base = {
  requestId: 'r1',
  attendees: 't|a,t|b',
  date: '2025-02-13',
  minutes: '60',
  kind: 'group',
  notes: 'Notes',
};

describe('supervision: the session card input', () => {
  it('accepts a group session with actions owned by an attendee and by the supervisor', () => {
    const r = parseSessionSubmit(
      {
        ...base,
        action1Text: 'Map stakeholders',
        action1Owner: 't|a',
        action1Due: '2025-02-20',
        action2Text: 'Send the template',
        action2Owner: 'me',
        action2Due: '2025-02-14',
      },
      TODAY,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.session.attendeeIds, ['t|a', 't|b']);
    assert.deepEqual(r.session.actions, [
      { text: 'Map stakeholders', owner: 't|a', dueDate: '2025-02-20' },
      { text: 'Send the template', owner: 'me', dueDate: '2025-02-14' },
    ]);
  });

  it('gives one clear message per bad field', () => {
    const r = parseSessionSubmit(
      {
        ...base,
        date: '2025-02-31',
        minutes: '481',
        kind: 'weekly',
        notes: 'x'.repeat(20_000),
        action1Text: 'Do it',
        action1Owner: 't|zzz',
        action1Due: 'soon',
        action2Text: '',
        action2Owner: 't|a',
        action2Due: '',
        action3Text: 'y'.repeat(301),
      },
      TODAY,
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, {
      date: 'Choose a real date from the calendar',
      minutes: 'Enter minutes from 1 to 480',
      kind: 'Choose individual, group or project',
      notes: 'Must be 4000 characters or fewer',
      action1Owner: 'Choose yourself or a student who attended',
      action1Due: 'Choose a real date from the calendar',
      action2Text: 'Write what was agreed, or clear this action',
      action3Text: 'Must be 300 characters or fewer',
    });
  });

  it('refuses a future session, a due date before it, an individual session with two students, no attendees', () => {
    const future = parseSessionSubmit({ ...base, date: '2025-02-14' }, TODAY);
    assert.ok(!future.ok && future.errors.date === 'The session date cannot be in the future');
    const early = parseSessionSubmit(
      { ...base, action1Text: 'x', action1Owner: 'me', action1Due: '2025-02-12' },
      TODAY,
    );
    assert.ok(!early.ok && early.errors.action1Due === 'The due date is before the session');
    const individual = parseSessionSubmit({ ...base, kind: 'individual' }, TODAY);
    assert.ok(!individual.ok && /Individual supervision is with one student/.test(individual.errors.kind!));
    const nobody = parseSessionSubmit({ ...base, attendees: '' }, TODAY);
    assert.ok(!nobody.ok && /Choose at least one student/.test(nobody.errors.attendees!));
    // A project team's students count as attendees.
    const team = parseSessionSubmit({ ...base, attendees: '', kind: 'project' }, TODAY, ['t|p']);
    assert.ok(team.ok && team.session.attendeeIds[0] === 't|p');
  });

  it('rejects operator keys and non-text values without throwing', () => {
    const r = parseSessionSubmit({ ...base, notes: { $gt: '' } }, TODAY);
    assert.ok(!r.ok);
    const ops = parseSessionSubmit({ ...base, $where: 'x' }, TODAY);
    assert.ok(!ops.ok && ops.errors._form);
  });
});
