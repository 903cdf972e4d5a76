import { useEffect, useState } from 'preact/hooks';
import {
  type ApiError,
  query,
  type Api,
  type CohortSummary,
  type LeadOverview,
  type WellbeingFlags,
} from '../api.js';
import { BarList, ColumnChart, PairedBars } from '../charts.js';
import { Notice, Section, formatDate } from './common.js';
import { ComparePanel } from './compare.js';

interface Filters {
  cohortId: string;
  fromWeek: number | null;
  toWeek: number | null;
  profession: string;
}

export function LeadPage(props: {
  api: Api;
  cohorts: CohortSummary[];
  initialCohortId: string | null;
  lockedCohort: boolean;
}) {
  const { api, cohorts } = props;
  const first = props.initialCohortId ?? cohorts[0]?.id ?? '';
  const [filters, setFilters] = useState<Filters>({
    cohortId: first,
    fromWeek: null,
    toWeek: null,
    profession: '',
  });
  const [data, setData] = useState<LeadOverview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshing, setRefreshing] = useState(false);

  useEffect(() => {
    if (!filters.cohortId) return;
    let live = true;
    setLoading(true);
    api
      .get<LeadOverview>(`/api/dashboard/lead/overview?${query({ ...filters })}`)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: ApiError) => live && (setError(e), setData(null)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [filters.cohortId, filters.fromWeek, filters.toWeek, filters.profession]);

  if (!filters.cohortId)
    return (
      <Notice title="No cohort linked">
        You do not lead a cohort yet. Ask an administrator to attach you to your cohort in the placement
        roster, then reload this tab.
      </Notice>
    );

  const cohort = data?.cohort ?? cohorts.find((c) => c.id === filters.cohortId);
  const weeks = cohort?.weeks ?? 1;
  const range = data?.range ?? { fromWeek: 1, toWeek: weeks };
  const csv = (table: string) => () =>
    void api
      .download(`/api/dashboard/lead/table.csv?${query({ ...filters, table })}`, `${table}.csv`)
      .catch((e: ApiError) => setError(e));

  const refresh = () => {
    setRefreshing(true);
    api
      .post<LeadOverview>(`/api/dashboard/lead/refresh?${query({ ...filters })}`, {})
      .then((d) => (setData(d), setError(null)))
      .catch((e: ApiError) => setError(e))
      .finally(() => setRefreshing(false));
  };

  return (
    <div>
      <header class="page-head">
        <h1>{cohort ? cohort.name : 'Cohort dashboard'}</h1>
        {cohort && (
          <p class="sub">
            {formatDate(cohort.startDate)} to {formatDate(cohort.endDate)} ·{' '}
            {cohort.currentWeek === 0
              ? 'not started'
              : cohort.currentWeek > cohort.weeks
                ? 'finished'
                : `week ${cohort.currentWeek} of ${cohort.weeks}`}
            {data ? ` · ${data.studentCount} students` : ''}
            {data ? ` · ${updatedText(data.generatedAt, data.servedAt)} ` : ''}
            {data && (
              <button type="button" class="link" onClick={refresh} disabled={refreshing}>
                {refreshing ? 'Refreshing…' : 'Refresh now'}
              </button>
            )}
          </p>
        )}
      </header>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        {!props.lockedCohort && cohorts.length > 1 && (
          <label>
            Cohort
            <select
              value={filters.cohortId}
              onChange={(e) =>
                setFilters({
                  cohortId: (e.target as HTMLSelectElement).value,
                  fromWeek: null,
                  toWeek: null,
                  profession: '',
                })
              }
            >
              {cohorts.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          From week
          <select
            value={String(range.fromWeek)}
            onChange={(e) =>
              setFilters({
                ...filters,
                fromWeek: Number((e.target as HTMLSelectElement).value),
                toWeek: Math.max(Number((e.target as HTMLSelectElement).value), range.toWeek),
              })
            }
          >
            {Array.from({ length: weeks }, (_, i) => (
              <option value={String(i + 1)}>{`Week ${i + 1}`}</option>
            ))}
          </select>
        </label>
        <label>
          To week
          <select
            value={String(range.toWeek)}
            onChange={(e) =>
              setFilters({
                ...filters,
                toWeek: Number((e.target as HTMLSelectElement).value),
                fromWeek: Math.min(Number((e.target as HTMLSelectElement).value), range.fromWeek),
              })
            }
          >
            {Array.from({ length: weeks }, (_, i) => (
              <option value={String(i + 1)}>{`Week ${i + 1}`}</option>
            ))}
          </select>
        </label>
        <label>
          Profession
          <select
            value={filters.profession}
            onChange={(e) => setFilters({ ...filters, profession: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All professions</option>
            {(data?.professions ?? [])
              .concat(
                filters.profession && !(data?.professions ?? []).includes(filters.profession)
                  ? [filters.profession]
                  : [],
              )
              .map((p) => (
                <option value={p}>{p}</option>
              ))}
          </select>
        </label>
        <span class="loading" role="status" aria-live="polite">
          {loading ? 'Loading…' : ''}
        </span>
      </form>
      {error && (
        <Notice
          kind="error"
          title={error.status === 422 ? 'This cut is too small to show' : 'Could not load the dashboard'}
        >
          {error.message}
          {error.status === 422 && (
            <>
              {' '}
              <button type="button" class="link" onClick={() => setFilters({ ...filters, profession: '' })}>
                Show all professions
              </button>
            </>
          )}
        </Notice>
      )}
      {data && (
        <LeadPanels
          data={data}
          csv={csv}
          api={api}
          wellbeingPath={`/api/dashboard/lead/wellbeing?${query({ ...filters })}`}
        />
      )}
      {!props.lockedCohort && cohorts.length > 1 && <ComparePanel api={api} cohorts={cohorts} />}
    </div>
  );
}

/** "Updated 3 minutes ago": the age of the cohort's rollup when the server answered. */
export function updatedText(generatedAt: string, servedAt: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(servedAt) - Date.parse(generatedAt)) / 60_000));
  if (minutes < 1) return 'Updated just now';
  if (minutes < 60) return `Updated ${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `Updated ${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `Updated ${formatDate(generatedAt.slice(0, 10))}`;
}

function LeadPanels({
  data,
  csv,
  api,
  wellbeingPath,
}: {
  data: LeadOverview;
  csv: (t: string) => () => void;
  api: Api;
  /** Who is behind the low-wellbeing flags, for the same filters. */
  wellbeingPath: string;
}) {
  return (
    <div class="grid">
      <Section id="students" title="Students by profession" panel={data.students} onCsv={csv('students')}>
        {(d) => (
          <BarList
            id="students"
            caption={`Students by profession (groups under ${data.minGroupSize} hidden)`}
            data={d.byProfession.map((r) => ({ label: r.label, value: r.count }))}
          />
        )}
      </Section>
      <Section
        id="submission-rate"
        title="Check-in submission rate by week"
        panel={data.submissionRate}
        onCsv={csv('submission-rate')}
      >
        {(d) => (
          <ColumnChart
            id="submission-rate"
            caption="Check-ins submitted, by placement week"
            unit="percent"
            max={1}
            data={d.map((r) => ({
              label: `W${r.week}`,
              value: r.rate,
              detail: `${r.submitted} of ${r.expected}`,
            }))}
          />
        )}
      </Section>
      <Section id="overdue" title="Overdue check-ins" panel={data.overdue} onCsv={csv('overdue')}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="notice notice-ok">Nobody is overdue in these weeks.</p>
          ) : (
            <table class="list">
              <caption class="sr-only">Students with an overdue check-in</caption>
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Week</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>{r.name}</td>
                    <td>{r.week}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Section>
      <Section
        id="confidence"
        title="Confidence before and after, by area"
        panel={data.confidence}
        onCsv={csv('confidence')}
      >
        {(rows) => (
          <PairedBars
            id="confidence"
            caption="Mean confidence (1–5) at the start and at the end"
            names={['Start', 'End']}
            data={rows.map((r) => ({ label: r.label, a: r.pre, b: r.post }))}
          />
        )}
      </Section>
      <Section id="wellbeing" title="Low wellbeing flags" panel={data.wellbeing} onCsv={csv('wellbeing')}>
        {(rows) => (
          <>
            <ColumnChart
              id="wellbeing"
              caption="Check-ins flagging low wellbeing, by week"
              unit="count"
              data={rows.map((r) => ({ label: `W${r.week}`, value: r.count, warn: r.count > 0 }))}
            />
            {rows.some((r) => r.count > 0) && <WellbeingWho api={api} path={wellbeingPath} />}
          </>
        )}
      </Section>
      <Section
        id="conversations"
        title="20-minute conversations"
        panel={data.conversations}
        onCsv={csv('conversations')}
      >
        {(d) => (
          <>
            <p class="kpis">
              <span>
                <strong>{d.held}</strong> held
              </span>{' '}
              <span>
                <strong>{d.booked}</strong> booked
              </span>
            </p>
            <BarList
              id="conversations-profession"
              caption="Conversations by host profession"
              data={d.byProfession.map((r) => ({ label: r.label, value: r.count }))}
            />
            <BarList
              id="conversations-role"
              caption="Conversations by host role type"
              data={d.byRoleType.map((r) => ({ label: r.label, value: r.count }))}
            />
          </>
        )}
      </Section>
      <Section
        id="surveys"
        title="Survey results: confidence at the start and the end"
        panel={data.surveys}
        onCsv={csv('surveys')}
      >
        {(d) => (
          <PairedBars
            id="surveys"
            caption={`Mean confidence (1–5) in the baseline survey (${d.baselineResponses} responses) and the end survey (${d.endResponses} responses)`}
            names={['Baseline', 'End']}
            data={d.rows.map((r) => ({ label: r.label, a: r.pre, b: r.post }))}
          />
        )}
      </Section>
      <Section
        id="announcements"
        title="Announcement acknowledgements"
        panel={data.announcements}
        onCsv={csv('announcements')}
      >
        {(rows) => (
          <BarList
            id="announcements"
            caption="Share of recipients who acknowledged"
            unit="percent"
            max={1}
            labelWidth={240}
            data={rows.map((r) => ({
              label: r.title,
              value: r.rate,
              detail: `${r.acknowledged} of ${r.recipients}`,
            }))}
          />
        )}
      </Section>
    </div>
  );
}

/**
 * "Who are these?" under the low-wellbeing chart: the students behind the flags and their
 * supervisors, loaded only when the lead asks (the server checks they lead the cohort).
 */
function WellbeingWho(props: { api: Api; path: string }) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<WellbeingFlags | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    setData(null);
    if (!open) return;
    let live = true;
    props.api
      .get<WellbeingFlags>(props.path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: ApiError) => live && setError(e));
    return () => {
      live = false;
    };
  }, [open, props.path]);

  return (
    <div class="who">
      <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide the names' : 'Show who rated their wellbeing low'}
      </button>
      {open && error && <p class="notice notice-error">{error.message}</p>}
      {open && !error && !data && <p class="sub">Loading…</p>}
      {open && data && data.students.length === 0 && <p class="sub">Nobody in these weeks.</p>}
      {open && data && data.students.length > 0 && (
        <>
          <table class="list">
            <caption class="sr-only">Students who rated their wellbeing 2 or less out of 5</caption>
            <thead>
              <tr>
                <th scope="col">Student</th>
                <th scope="col">Weeks (rating out of 5)</th>
                <th scope="col">Supervisor</th>
              </tr>
            </thead>
            <tbody>
              {data.students.map((s) => (
                <tr>
                  <td>{s.name}</td>
                  <td>{s.weeks.map((w) => `W${w.week} (${w.wellbeing})`).join(', ')}</td>
                  <td>{s.supervisors.join(', ') || 'none linked'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="sub">A student's supervisors are told on the day they rate their wellbeing low.</p>
        </>
      )}
    </div>
  );
}
