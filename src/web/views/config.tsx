import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError, CohortSummary } from '../api.js';
import type { Host } from '../host.js';
import { Notice } from './common.js';

/** The channel tab's configuration page: the lead chooses which cohort the tab shows. */
export function ConfigPage(props: { api: Api; host: Host }) {
  const [cohorts, setCohorts] = useState<CohortSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [chosen, setChosen] = useState('');

  useEffect(() => {
    props.api
      .get<{ cohorts: CohortSummary[]; currentCohortId: string | null }>('/api/dashboard/cohorts')
      .then((r) => {
        setCohorts(r.cohorts);
        setChosen(r.currentCohortId ?? r.cohorts[0]?.id ?? '');
      }, setError);
  }, []);

  useEffect(() => {
    if (!props.host.inTeams) return;
    const cohort = cohorts?.find((c) => c.id === chosen);
    void import('@microsoft/teams-js').then(({ pages }) => {
      pages.config.setValidityState(!!cohort);
      pages.config.registerOnSaveHandler((save) => {
        if (!cohort) return save.notifyFailure('Choose a cohort first.');
        const contentUrl = `${location.origin}/tabs/cohort?cohortId=${encodeURIComponent(cohort.id)}`;
        pages.config
          .setConfig({
            entityId: `cohort:${cohort.id}`,
            contentUrl,
            websiteUrl: contentUrl,
            suggestedDisplayName: `Dashboard: ${cohort.name}`,
          })
          .then(
            () => save.notifySuccess(),
            (e) => save.notifyFailure(String(e)),
          );
      });
    });
  }, [chosen, cohorts]);

  if (error)
    return (
      <Notice kind="error" title="Cannot set up the cohort dashboard">
        {error.message}
      </Notice>
    );
  if (!cohorts)
    return (
      <p class="notice" role="status">
        Loading cohorts…
      </p>
    );
  if (cohorts.length === 0)
    return (
      <Notice title="No cohort linked">
        You do not lead a cohort yet. Ask an administrator to attach you to a cohort in the roster, then add
        this tab again.
      </Notice>
    );
  return (
    <form class="config" onSubmit={(e) => e.preventDefault()}>
      <h1>Cohort dashboard</h1>
      <p>
        Choose the cohort this tab shows. Everyone in the channel sees the tab; only the cohort's placement
        leads see its data.
      </p>
      <label>
        Cohort
        <select value={chosen} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
          {cohorts.map((c) => (
            <option value={c.id}>{c.name}</option>
          ))}
        </select>
      </label>
      {!props.host.inTeams && (
        <p class="notice">
          Outside Teams: open{' '}
          <a href={`/tabs/cohort?cohortId=${encodeURIComponent(chosen)}${location.search.replace('?', '&')}`}>
            the dashboard for this cohort
          </a>
          .
        </p>
      )}
    </form>
  );
}
