import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError, StudentView } from '../api.js';
import { BarList, LineChart } from '../charts.js';
import { Notice, Section, formatDate } from './common.js';

export function StudentPage(props: { api: Api }) {
  const [data, setData] = useState<StudentView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    props.api.get<StudentView>('/api/dashboard/student').then(setData, setError);
  }, []);
  if (error)
    return (
      <Notice kind="error" title="Could not load your journey">
        {error.message}
      </Notice>
    );
  if (!data)
    return (
      <p class="notice" role="status">
        Loading your journey…
      </p>
    );
  const { me } = data;
  return (
    <div>
      {!me.cohortName && (
        <Notice title="No cohort linked">
          You are not on a placement cohort yet. Your placement lead adds you to a cohort in the roster; this
          page fills in once they have.
        </Notice>
      )}
      <p class="sub">
        {me.profession}
        {me.cohortName ? ` · ${me.cohortName}` : ''}
        {me.week && me.weeks ? ` · week ${me.week} of ${me.weeks}` : ''}
      </p>
      <div class="grid">
        <Section id="pillars" title="Reflections by pillar of practice" panel={data.pillars}>
          {(rows) => (
            <BarList
              id="pillars"
              caption="Your reflections per pillar (gaps outlined)"
              data={rows.map((r) => ({ label: r.label, value: r.count, gap: r.gap }))}
            />
          )}
        </Section>
        <Section id="standards" title="Reflections by HCPC standard" panel={data.standards}>
          {(rows) => (
            <BarList
              id="standards"
              caption="Your reflections per HCPC standard of proficiency (gaps outlined)"
              labelWidth={90}
              data={rows.map((r) => ({ label: `SOP ${r.key}`, value: r.count, gap: r.gap }))}
            />
          )}
        </Section>
        <Section id="confidence" title="My confidence" panel={data.confidence}>
          {(trend) => (
            <LineChart
              id="confidence"
              caption="Your mean confidence (1–5) by week"
              weeks={me.weeks ?? Math.max(1, ...trend.points.map((p) => p.week))}
              series={[{ name: 'Confidence', points: trend.points }]}
            />
          )}
        </Section>
        <Section id="conversations" title="20-minute conversations" panel={data.conversations}>
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
              {d.upcoming.length > 0 && (
                <ul class="plain">
                  {d.upcoming.map((b) => (
                    <li>
                      {formatDate(b.startsAt)}: {b.hostRoleType} ({b.hostProfession})
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Section>
        <section class="panel" aria-labelledby="export-title">
          <h2 id="export-title">My learning journey export</h2>
          {data.exportAvailable ? (
            <ExportLink api={props.api} />
          ) : (
            <p class="notice">The learning-journey export is not set up yet on this service.</p>
          )}
        </section>
      </div>
    </div>
  );
}

function ExportLink(props: { api: Api }) {
  const [links, setLinks] = useState<{ htmlUrl: string; csvUrl: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (links)
    return (
      <p>
        Your links are ready (each works once, until{' '}
        {new Date(links.expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}):{' '}
        <a href={links.htmlUrl} target="_blank" rel="noopener">
          learning journey (print or save as PDF)
        </a>{' '}
        · <a href={links.csvUrl}>spreadsheet (CSV)</a>
      </p>
    );
  return (
    <>
      <p>
        Your reflections grouped by pillar and HCPC standard, your confidence trend and your conversations:
        evidence for assessment and your presentation.
      </p>
      <button
        type="button"
        onClick={() =>
          props.api
            .get<{ htmlUrl: string; csvUrl: string; expiresAt: string }>('/api/dashboard/student/export-link')
            .then(setLinks, (e: Error) => setError(e.message))
        }
      >
        Get my export links
      </button>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
