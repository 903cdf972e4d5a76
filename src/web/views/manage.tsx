/**
 * The Manage page (placement leads): set up and edit a cohort, its non-placement days, its
 * students and supervisors, and upload a roster CSV. Every change goes to the server's Manage
 * API (the same service as the chat cards), which checks every field: a refused change shows
 * the message under each field and nothing is saved.
 */
import { useEffect, useState } from 'preact/hooks';
import { FieldsError, query, type Api, type ApiError } from '../api.js';
import type { CohortView } from '../api-types.js';
import { Notice } from './common.js';
import { CohortForm, Field, NEW_COHORT, requestIdOnce } from './cohort-form.js';

interface CohortRef {
  id: string;
  name: string;
}
type Answer = { notice: string; cohort: CohortView | null };

export function ManagePage(props: { api: Api }) {
  const { api } = props;
  const [cohorts, setCohorts] = useState<CohortRef[] | null>(null);
  const [cohortId, setCohortId] = useState<string>('');
  const [cohort, setCohort] = useState<CohortView | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  const loadList = (select?: string) =>
    api.get<{ cohorts: CohortRef[] }>('/api/dashboard/manage/cohorts').then(
      (r) => {
        setCohorts(r.cohorts);
        const id = select ?? cohortId ?? '';
        setCohortId(id || r.cohorts[0]?.id || '');
        if (r.cohorts.length === 0) setCreating(true);
      },
      (e: ApiError) => setError(e.message),
    );
  useEffect(() => void loadList(), []);
  useEffect(() => {
    if (!cohortId) return;
    api.get<{ cohort: CohortView }>(`/api/dashboard/manage/cohort?${query({ cohortId })}`).then(
      (r) => (setCohort(r.cohort), setError('')),
      (e: ApiError) => setError(e.message),
    );
  }, [cohortId]);

  /** Sends a change; on success shows the notice and the cohort as it is now. */
  const change = async (path: string, body: Record<string, unknown>): Promise<Record<string, string>> => {
    setNotice('');
    setError('');
    try {
      const r = await api.post<Answer>(`/api/dashboard/manage/${path}`, body);
      setNotice(r.notice);
      if (r.cohort) {
        setCohort(r.cohort);
        if (r.cohort.id !== cohortId) {
          setCreating(false);
          await loadList(r.cohort.id);
        }
      }
      return {};
    } catch (e) {
      if (e instanceof FieldsError) {
        setError([e.message, ...e.lines.slice(0, 20)].join('\n'));
        return e.fields;
      }
      setError((e as Error).message);
      return {};
    }
  };

  if (error && !cohorts)
    return (
      <Notice kind="error" title="Could not load the Manage page">
        {error}
      </Notice>
    );
  if (!cohorts)
    return (
      <p class="notice" role="status">
        Loading your cohorts…
      </p>
    );

  return (
    <div class="manage">
      <header class="page-head">
        <h1>Manage cohorts</h1>
        <p class="sub">Changes apply straight away: check-in prompts follow the new calendar.</p>
      </header>
      <div class="filters">
        {cohorts.length > 0 && (
          <label>
            Cohort
            <select
              value={creating ? '' : cohortId}
              onChange={(e) => (setCreating(false), setCohortId((e.target as HTMLSelectElement).value))}
            >
              {creating && <option value="">New cohort</option>}
              {cohorts.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => (setCreating(true), setNotice(''), setError(''))}>
          Set up a new cohort
        </button>
      </div>
      <div aria-live="polite">
        {notice && (
          <p class="notice-box info" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p class="notice-box error" role="alert">
            {error}
          </p>
        )}
      </div>
      {creating ? (
        <CohortForm
          key="new"
          initial={NEW_COHORT}
          submitLabel="Create cohort"
          onSubmit={(v) => change('cohort', { ...v, requestId: requestIdOnce() })}
        />
      ) : (
        cohort && <CohortPanels key={cohort.id} cohort={cohort} cohorts={cohorts} change={change} />
      )}
    </div>
  );
}

function CohortPanels(props: {
  cohort: CohortView;
  cohorts: CohortRef[];
  change: (path: string, body: Record<string, unknown>) => Promise<Record<string, string>>;
}) {
  const { cohort, change } = props;
  const [date, setDate] = useState('');
  const [dateError, setDateError] = useState('');
  const [person, setPerson] = useState<Record<string, string>>({
    email: '',
    displayName: '',
    profession: '',
    supervisorEmails: '',
    personTimeZone: '',
  });
  const [personErrors, setPersonErrors] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<'students' | 'supervisors'>('students');
  const setP = (k: string, v: string) => setPerson({ ...person, [k]: v });
  const others = props.cohorts.filter((c) => c.id !== cohort.id);

  return (
    <div class="grid">
      <section class="panel" aria-labelledby="m-settings">
        <h2 id="m-settings">Dates and times</h2>
        <p class="sub">
          {cohort.datesText}. Clinical: {cohort.clinicalText}. Leadership: {cohort.leadershipText}.
          Supervision: {cohort.supervisionText} ({cohort.timeZone}).
        </p>
        <p class="sub">{cohort.checkinText}</p>
        <details>
          <summary>Edit dates and times</summary>
          <CohortForm
            initial={cohort.form}
            submitLabel="Save changes"
            onSubmit={(v) => change('cohort', { ...v, cohortId: cohort.id })}
          />
        </details>
      </section>

      <section class="panel" aria-labelledby="m-days">
        <h2 id="m-days">Non-placement days</h2>
        <p class="sub">
          Study days and other days off placement: no check-in prompt is sent, it moves to the next placement
          day.
        </p>
        {cohort.nonPlacement.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <ul class="plain">
            {cohort.nonPlacement.map((d) => (
              <li>
                {d.text}{' '}
                <button
                  type="button"
                  class="link"
                  onClick={() =>
                    void change('non-placement-days/remove', { cohortId: cohort.id, date: d.date })
                  }
                >
                  Remove<span class="sr-only"> {d.text}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          class="row"
          aria-label="Add a non-placement day"
          onSubmit={async (e) => {
            e.preventDefault();
            const errs = await change('non-placement-days', { cohortId: cohort.id, date });
            setDateError(errs.date ?? '');
            if (!errs.date) setDate('');
          }}
        >
          <Field
            id="date"
            label="Add a non-placement day"
            type="date"
            values={{ date }}
            errors={{ date: dateError }}
            set={(_k, v) => setDate(v)}
          />
          <button type="submit">Add day</button>
        </form>
      </section>

      <section class="panel wide" aria-labelledby="m-students">
        <h2 id="m-students">Students ({cohort.studentCount})</h2>
        {cohort.students.length === 0 ? (
          <p>No students yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Profession</th>
                <th scope="col">Supervisors</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {cohort.students.map((s) => (
                <StudentRow student={s} cohortId={cohort.id} others={others} change={change} />
              ))}
            </tbody>
          </table>
        )}
        <p class="sub">Supervisors: {cohort.supervisors.map((s) => s.name).join(', ') || 'none yet'}</p>
      </section>

      <section class="panel" aria-labelledby="m-upload">
        <h2 id="m-upload">Upload a roster file</h2>
        <p class="sub">
          cohorts.csv and/or people.csv, or ahp-directory.csv (CSV UTF-8, the usual first row). Every row is
          checked first: if one is wrong, nothing is saved.
        </p>
        <form
          aria-label="Upload a roster file"
          onSubmit={async (e) => {
            e.preventDefault();
            const input = (e.target as HTMLFormElement).elements.namedItem('file') as HTMLInputElement;
            const chosen = [...(input.files ?? [])].slice(0, 2);
            if (chosen.length === 0) return;
            const files = await Promise.all(
              chosen.map(async (f) => ({ name: f.name, text: await f.text() })),
            );
            const errs = await change('upload', { cohortId: cohort.id, files });
            if (Object.keys(errs).length === 0) input.value = '';
          }}
        >
          <div class="field">
            <label for="f-file">CSV files</label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv" multiple />
          </div>
          <button type="submit">Upload</button>
        </form>
      </section>

      <section class="panel" aria-labelledby="m-add">
        <h2 id="m-add">Add people</h2>
        <div role="group" aria-label="Who to add">
          <button
            type="button"
            class="tab"
            aria-pressed={mode === 'students'}
            onClick={() => setMode('students')}
          >
            A student
          </button>
          <button
            type="button"
            class="tab"
            aria-pressed={mode === 'supervisors'}
            onClick={() => setMode('supervisors')}
          >
            A supervisor
          </button>
        </div>
        <form
          aria-label={mode === 'students' ? 'Add a student' : 'Add a supervisor'}
          onSubmit={async (e) => {
            e.preventDefault();
            const errs = await change(mode, { ...person, cohortId: cohort.id });
            setPersonErrors(errs);
            if (Object.keys(errs).length === 0)
              setPerson({
                email: '',
                displayName: '',
                profession: '',
                supervisorEmails: '',
                personTimeZone: '',
              });
          }}
        >
          <Field
            id="email"
            label="Email address"
            type="email"
            values={person}
            errors={personErrors}
            set={setP}
          />
          <Field id="displayName" label="Full name" values={person} errors={personErrors} set={setP} />
          <Field id="profession" label="Profession" values={person} errors={personErrors} set={setP} />
          {mode === 'students' && (
            <Field
              id="supervisorEmails"
              label="Supervisors' email addresses (separate with commas)"
              values={person}
              errors={personErrors}
              set={setP}
            />
          )}
          <Field
            id="personTimeZone"
            label="Time zone, if not the cohort's (optional)"
            values={person}
            errors={personErrors}
            set={setP}
          />
          <button type="submit" class="primary">
            {mode === 'students' ? 'Add student' : 'Add supervisor'}
          </button>
        </form>
      </section>
    </div>
  );
}

function StudentRow(props: {
  student: CohortView['students'][number];
  cohortId: string;
  others: CohortRef[];
  change: (path: string, body: Record<string, unknown>) => Promise<Record<string, string>>;
}) {
  const { student: s, change } = props;
  const [open, setOpen] = useState(false);
  const [sups, setSups] = useState('');
  const [to, setTo] = useState(props.others[0]?.id ?? '');
  const [err, setErr] = useState('');
  const base = { studentId: s.id, cohortId: props.cohortId };
  return (
    <tr>
      <td>{s.name}</td>
      <td>{s.email}</td>
      <td>{s.profession}</td>
      <td>{s.supervisorsText}</td>
      <td>
        {!open ? (
          <button type="button" class="link" onClick={() => setOpen(true)}>
            Change<span class="sr-only"> {s.name}</span>
          </button>
        ) : (
          <div class="row-actions">
            <label>
              Supervisors' emails
              <input
                value={sups}
                placeholder="name@nhs.net, …"
                onInput={(e) => setSups((e.target as HTMLInputElement).value)}
              />
            </label>
            <button
              type="button"
              onClick={async () =>
                setErr(
                  (await change('students/supervisors', { ...base, supervisorEmails: sups }))
                    .supervisorEmails ?? '',
                )
              }
            >
              Save supervisors
            </button>
            {props.others.length > 0 && (
              <>
                <label>
                  Move to
                  <select value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
                    {props.others.map((c) => (
                      <option value={c.id}>{c.name}</option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  onClick={async () =>
                    setErr((await change('students/move', { ...base, toCohortId: to })).toCohortId ?? '')
                  }
                >
                  Move
                </button>
              </>
            )}
            <button
              type="button"
              class="danger"
              onClick={() => {
                if (
                  confirm(
                    `Remove ${s.name} from this cohort? They get no more prompts; what they wrote stays theirs.`,
                  )
                )
                  void change('students/remove', base);
              }}
            >
              Remove from cohort
            </button>
            {err && <span class="field-error">{err}</span>}
          </div>
        )}
      </td>
    </tr>
  );
}
