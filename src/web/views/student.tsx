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
          {data.exportUrl ? (
            <p>
              <a href={data.exportUrl} target="_blank" rel="noopener">
                Download my learning journey
              </a>{' '}
              (HCPC-mapped evidence for assessment and your presentation).
            </p>
          ) : (
            <p class="notice">
              Type "export my journey" to the Placement Companion bot to get a download link for your learning
              journey.
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
