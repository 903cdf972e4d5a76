/**
 * Entry point of the dashboard tab. Routes by path:
 *   /tabs/my-placement  personal tab: my journey (students), my students (supervisors), cohort (leads)
 *   /tabs/cohort        channel tab content: one cohort's dashboard (leads)
 *   /tabs/config        channel tab configuration: choose the cohort
 */
import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError, type Me } from './api.js';
import { connectHost, SignInError, type Host, type Theme } from './host.js';
import { Notice } from './views/common.js';
import { ConfigPage } from './views/config.js';
import { LeadPage } from './views/lead.js';
import { ManagePage } from './views/manage.js';
import { StudentPage } from './views/student.js';
import { SupervisorPage } from './views/supervisor.js';

type View = 'student' | 'supervisor' | 'lead' | 'manage';
const VIEW_LABEL: Record<View, string> = {
  student: 'My journey',
  supervisor: 'My students',
  lead: 'Cohort',
  manage: 'Manage',
};
/** The server's views, plus the Manage page for placement leads. */
const viewsOf = (m: Me): View[] => [...m.views, ...(m.canManage ? (['manage'] as const) : [])];

function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = theme;
}

/** The bar at the top of every view (the cohort tab too): the product name, then the view switch. */
function AppHeader(props: { children?: ComponentChildren }) {
  return (
    <header class="app-head">
      <p class="brand">Placement Companion</p>
      {props.children}
    </header>
  );
}

function App(props: { host: Host; api: Api }) {
  const { host, api } = props;
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const path = location.pathname.replace(/\/+$/, '');
  const params = new URLSearchParams(location.search);
  const [view, setView] = useState<View | null>(null);

  useEffect(() => {
    api.get<Me>('/api/dashboard/me').then((m) => {
      setMe(m);
      const wanted = params.get('view') as View | null;
      const views = viewsOf(m);
      setView(wanted && views.includes(wanted) ? wanted : (views[0] ?? null));
    }, setError);
  }, []);

  if (error) {
    const title =
      error instanceof SignInError || (error instanceof ApiError && error.status === 401)
        ? 'Sign-in needed'
        : 'Could not load the dashboard';
    return (
      <main>
        <Notice kind="error" title={title}>
          {error.message}
        </Notice>
      </main>
    );
  }
  if (!me)
    return (
      <main>
        <p class="notice" role="status">
          Loading your dashboard…
        </p>
      </main>
    );

  if (path.endsWith('/tabs/config'))
    return (
      <main>
        <ConfigPage api={api} host={host} />
      </main>
    );

  if (path.endsWith('/tabs/cohort')) {
    const fromEntity = host.entityId?.startsWith('cohort:') ? host.entityId.slice(7) : null;
    const cohortId = params.get('cohortId') ?? fromEntity;
    if (!me.views.includes('lead'))
      return (
        <main>
          <Notice title="For placement leads">
            This tab shows the cohort's dashboard to its placement leads. Open the "My placement" tab for your
            own view.
          </Notice>
        </main>
      );
    return (
      <>
        <AppHeader />
        <main>
          <LeadPage
            api={api}
            cohorts={me.cohorts}
            initialCohortId={cohortId ?? me.currentCohortId}
            lockedCohort={!!cohortId}
          />
        </main>
      </>
    );
  }

  if (!view)
    return (
      <main>
        <Notice title="Nothing to show yet">
          You are not a student, supervisor or placement lead on a cohort yet. Your placement team adds you to
          the roster.
        </Notice>
      </main>
    );
  return (
    <>
      <AppHeader>
        {viewsOf(me).length > 1 && (
          <nav aria-label="Views">
            {viewsOf(me).map((v) => (
              <button type="button" class="tab" aria-pressed={v === view} onClick={() => setView(v)}>
                {VIEW_LABEL[v]}
              </button>
            ))}
          </nav>
        )}
      </AppHeader>
      <main>
        {view !== 'lead' && view !== 'manage' && (
          <h1>{view === 'student' ? `${me.name}: my journey` : 'My students'}</h1>
        )}
        {view === 'student' && <StudentPage api={api} />}
        {view === 'supervisor' && <SupervisorPage api={api} />}
        {view === 'manage' && <ManagePage api={api} />}
        {view === 'lead' && (
          <LeadPage
            api={api}
            cohorts={me.cohorts}
            initialCohortId={
              me.currentCohortId && me.cohorts.some((c) => c.id === me.currentCohortId)
                ? me.currentCohortId
                : null
            }
            lockedCohort={false}
          />
        )}
      </main>
    </>
  );
}

async function boot() {
  const root = document.getElementById('app')!;
  const host = await connectHost();
  applyTheme(host.theme);
  host.onThemeChange(applyTheme);
  render(<App host={host} api={new Api(host)} />, root);
}

void boot();
