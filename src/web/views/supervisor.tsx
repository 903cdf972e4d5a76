import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError, SupervisedStudent, SupervisorView } from '../api.js';
import { LineChart } from '../charts.js';
import { Notice, Section, formatDate } from './common.js';

const STATUS: Record<string, string> = {
  submitted: 'Submitted',
  due: 'Due',
  overdue: 'Overdue',
  'no-placement': 'No placement this week',
  'not-started': 'Placement not started',
  finished: 'Placement finished',
  unknown: 'Not known',
};

/** What can truly be said of a student's wellbeing now (never "OK" without a recent check-in). */
function Wellbeing(props: { s: SupervisedStudent }) {
  const { s } = props;
  const weeks = `${s.missedWeeks} week${s.missedWeeks === 1 ? '' : 's'}`;
  switch (s.wellbeing) {
    case 'ok':
      return <>OK</>;
    case 'low':
      return <strong class="flag">Low: follow up</strong>;
    case 'missed':
      return (
        <strong class="flag">
          No check-in for {weeks}
          {s.lowWellbeing ? '; last rating low' : ''}
        </strong>
      );
    case 'none':
      return <>No check-in yet</>;
    case 'not-started':
      return <>Not started yet</>;
    case 'finished':
      return <>No current status: placement finished</>;
    default:
      return <>Not known</>;
  }
}

/** This week's check-in status, "late" when it came after its due time, and earlier weeks sent late. */
function CheckinStatus(props: { s: SupervisedStudent }) {
  const { s } = props;
  const lateNow = s.checkin === 'submitted' && s.week !== null && s.lateWeeks.includes(s.week);
  const earlier = s.lateWeeks.filter((w) => w !== s.week);
  return (
    <>
      <span class={`status status-${s.checkin}`}>{lateNow ? 'Submitted late' : STATUS[s.checkin]}</span>
      {earlier.length > 0 && (
        <div class="late-weeks">
          Sent late: week{earlier.length === 1 ? '' : 's'} {earlier.join(', ')}
        </div>
      )}
    </>
  );
}

/** A long alert line, shortened; the whole line opens under it. */
function Alert(props: { text: string }) {
  const max = 40;
  if (props.text.length <= max) return <strong class="flag">{props.text}</strong>;
  const cut = props.text.slice(0, max);
  const short = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 20)).replace(/[\s:,·]+$/, '')}…`;
  return (
    <details class="alert">
      <summary class="flag">{short}</summary>
      {props.text}
    </details>
  );
}

export function SupervisorPage(props: { api: Api }) {
  const [data, setData] = useState<SupervisorView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    props.api.get<SupervisorView>('/api/dashboard/supervisor').then(setData, setError);
  }, []);
  if (error)
    return (
      <Notice kind="error" title="Could not load your students">
        {error.message}
      </Notice>
    );
  if (!data)
    return (
      <p class="notice" role="status">
        Loading your students…
      </p>
    );
  return (
    <div class="grid">
      <Section id="my-students" title="My students: this week's check-in" panel={data.checkins} wide>
        {(rows) => (
          <table class="list students">
            <caption class="sr-only">Your students and this week's check-in status</caption>
            <thead>
              <tr>
                <th scope="col">Student</th>
                <th scope="col">Profession</th>
                <th scope="col">Week</th>
                <th scope="col">Check-in</th>
                <th scope="col">Wellbeing</th>
                <th scope="col">Open actions</th>
                <th scope="col">Shared reflections</th>
                <th scope="col">Journey</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr class={s.lowWellbeing || s.wellbeing === 'missed' ? 'row-warn' : ''}>
                  <td>{s.name}</td>
                  <td>{s.profession}</td>
                  <td>{s.week ?? '–'}</td>
                  <td>
                    <CheckinStatus s={s} />
                    {s.week !== null && <OpenCheckin api={props.api} student={s} week={s.week} />}
                  </td>
                  <td>
                    <Wellbeing s={s} />
                    {s.escalation && <Alert text={s.escalation} />}
                  </td>
                  <td>
                    {s.openActions.length === 0 ? (
                      'None'
                    ) : (
                      <ul class="plain">
                        {s.openActions.map((a) => (
                          <li>
                            {a.text} (due {formatDate(`${a.dueDate}T12:00:00Z`)}
                            {a.notYet ? ', not done yet' : ''})
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{s.sharedReflections}</td>
                  <td>
                    <ExportJourney api={props.api} student={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section id="confidence-trends" title="Confidence trends" panel={data.confidence}>
        {(series) => (
          <LineChart
            id="confidence-trends"
            caption="Mean confidence (1–5) by week, per student"
            weeks={Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.week)))}
            series={series.map((s) => ({ name: s.name, points: s.points }))}
          />
        )}
      </Section>
      <Section
        id="awaiting-feedback"
        title="Shared reflections awaiting your feedback"
        panel={data.awaitingFeedback}
      >
        {(rows) =>
          rows.length === 0 ? (
            <p class="notice notice-ok">
              Nothing waiting: you have given feedback on everything shared with you.
            </p>
          ) : (
            <table class="list">
              <caption class="sr-only">Reflections shared with you that have no feedback yet</caption>
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Shared</th>
                  <th scope="col">Pillars</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>{r.studentName}</td>
                    <td>{formatDate(r.sharedAt)}</td>
                    <td>{r.pillars.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Section>
      <Section
        id="supervision-sessions"
        title="Supervision sessions recorded"
        panel={data.supervisionSessions}
      >
        {(rows) => (
          <table class="list">
            <caption class="sr-only">Supervision sessions recorded per student</caption>
            <thead>
              <tr>
                <th scope="col">Student</th>
                <th scope="col">Sessions</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.studentName}</td>
                  <td>{r.sessions}</td>
                  <td>{r.lastAt ? formatDate(r.lastAt) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}

/**
 * "Open check-in": the week's supervisor check-in card (Comment, Countersign, Record session)
 * arrives in the supervisor's chat with the bot; a tab cannot show the card itself.
 */
function OpenCheckin(props: { api: Api; student: SupervisedStudent; week: number }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div>
      <button
        type="button"
        aria-label={`Open check-in: ${props.student.name}, week ${props.week}`}
        onClick={() =>
          props.api
            .post<{ message: string }>(
              `/api/dashboard/supervisor/students/${encodeURIComponent(props.student.id)}/open-checkin`,
              { week: props.week },
            )
            .then(
              (r) => setMessage({ ok: true, text: r.message }),
              (e: Error) => setMessage({ ok: false, text: e.message }),
            )
        }
      >
        Open check-in
      </button>
      {message && (
        <span class="notice" role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </span>
      )}
    </div>
  );
}

/** "Export journey" for one student: one-time links to what they shared with their supervisors. */
function ExportJourney(props: { api: Api; student: SupervisedStudent }) {
  const [links, setLinks] = useState<{ htmlUrl: string; csvUrl: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (links)
    return (
      <span>
        <a href={links.htmlUrl} target="_blank" rel="noopener">
          document
        </a>{' '}
        · <a href={links.csvUrl}>CSV</a>
      </span>
    );
  return (
    <>
      <button
        type="button"
        aria-label={`Export journey: ${props.student.name}`}
        onClick={() =>
          props.api
            .get<{ htmlUrl: string; csvUrl: string }>(
              `/api/dashboard/supervisor/students/${encodeURIComponent(props.student.id)}/export-link`,
            )
            .then(setLinks, (e: Error) => setError(e.message))
        }
      >
        Export journey
      </button>
      {error && (
        <span class="notice" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
