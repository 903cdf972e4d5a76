import { useEffect, useState } from 'preact/hooks';
import { query, type Api, type ApiError, type CohortComparison, type CohortSummary } from '../api.js';
import { Notice } from './common.js';

const MAX_COMPARED = 4;
const signed = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(2)}`);

/** Why a cohort shows what it shows (never how few people when it is hidden). */
function cohortNote(
  source: CohortComparison['source'],
  c: CohortComparison['cohorts'][number],
  min: number,
): string {
  if (source === 'checkins') {
    if (c.shown) return `${c.preResponses} students' first and latest check-ins`;
    return c.hidden === 'no-checkins'
      ? 'no figures: no student has rated their confidence in check-ins of two different weeks yet'
      : `no figures: fewer than ${min} students have rated their confidence in two different weeks`;
  }
  if (c.shown) return `${c.preResponses} responses at the start, ${c.postResponses} at the end`;
  return c.hidden === 'no-surveys'
    ? 'no figures: needs both a start-of-placement and an end-of-placement confidence survey'
    : `no figures: fewer than ${min} people answered one of the surveys`;
}

/**
 * Cohort-vs-cohort confidence gains for a lead of several cohorts: pick two to four of them;
 * the earliest is the reference the others are compared with. The server decides what may be
 * shown (403 for a cohort the viewer does not lead, no figures below the minimum group size).
 */
export function ComparePanel(props: { api: Api; cohorts: CohortSummary[] }) {
  const { api, cohorts } = props;
  const [chosen, setChosen] = useState<string[]>(cohorts.slice(-2).map((c) => c.id));
  const [data, setData] = useState<CohortComparison | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (chosen.length < 2) {
      setData(null);
      return;
    }
    let live = true;
    api
      .get<CohortComparison>(`/api/dashboard/lead/compare?${query({ cohortIds: chosen.join(',') })}`)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: ApiError) => live && (setError(e), setData(null)));
    return () => {
      live = false;
    };
  }, [chosen.join(',')]);

  const toggle = (id: string, on: boolean) =>
    setChosen(cohorts.map((c) => c.id).filter((c) => (c === id ? on : chosen.includes(c))));
  const first = data?.cohorts[0];

  return (
    <section class="panel compare" aria-labelledby="compare-title" data-panel="compare">
      <div class="panel-head">
        <h2 id="compare-title">Compare cohorts: confidence gains</h2>
      </div>
      <fieldset class="compare-pick">
        <legend>Cohorts to compare (2 to {MAX_COMPARED})</legend>
        {cohorts.map((c) => (
          <label>
            <input
              type="checkbox"
              checked={chosen.includes(c.id)}
              disabled={!chosen.includes(c.id) && chosen.length >= MAX_COMPARED}
              onChange={(e) => toggle(c.id, (e.target as HTMLInputElement).checked)}
            />{' '}
            {c.name}
          </label>
        ))}
      </fieldset>
      {chosen.length < 2 && <p class="notice">Choose at least two cohorts to compare.</p>}
      {error && (
        <Notice kind="error" title="Could not load the comparison">
          {error.message}
        </Notice>
      )}
      {data && first && (
        <>
          <p class="notice">
            {data.source === 'surveys'
              ? `Change in mean confidence (1–5) from the start to the end of placement. In brackets: the difference from ${first.name}. A cohort with fewer than ${data.minGroupSize} responses to either survey shows no figures.`
              : `Change in mean confidence (1–5) from each student's first weekly check-in to their latest, because not every cohort here has both confidence surveys. In brackets: the difference from ${first.name}. A cohort or an area with fewer than ${data.minGroupSize} students shows no figures.`}
          </p>
          <ul class="compare-notes">
            {data.cohorts.map((c) => (
              <li data-cohort={c.id} data-shown={String(c.shown)}>
                <strong>{c.name}</strong>: {cohortNote(data.source, c, data.minGroupSize)}
              </li>
            ))}
          </ul>
          <table class="list compare-table">
            <caption class="sr-only">Change in confidence by area and cohort</caption>
            <thead>
              <tr>
                <th scope="col">Area</th>
                {data.cohorts.map((c) => (
                  <th scope="col">{c.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr>
                  <th scope="row">{r.label}</th>
                  {r.cells.map((cell, i) => (
                    <td>
                      {signed(cell.delta)}
                      {i > 0 && cell.vsFirst !== null ? ` (${signed(cell.vsFirst)})` : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
