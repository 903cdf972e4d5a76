/**
 * The page's host: inside Teams (the Teams JS SDK: context, theme, SSO token) or a plain
 * browser (tests, local development: ?theme=default|dark|contrast and ?as=<email> with the
 * service's development sign-in, when it is enabled).
 */

export type Theme = 'default' | 'dark' | 'contrast';

export interface Host {
  inTeams: boolean;
  theme: Theme;
  /** The channel tab's saved entity id (`cohort:<id>`), when there is one. */
  entityId: string | null;
  getToken(): Promise<string>;
  onThemeChange(handler: (theme: Theme) => void): void;
}

export class SignInError extends Error {}

const asTheme = (value: string | null | undefined): Theme =>
  value === 'dark' ? 'dark' : value === 'contrast' ? 'contrast' : 'default';

function framed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

export async function connectHost(): Promise<Host> {
  const params = new URLSearchParams(location.search);
  if (framed()) {
    try {
      // Loaded only inside a frame: outside Teams the SDK is not needed (and it fetches its
      // list of valid hosts from Microsoft's CDN when it loads).
      const { app, authentication } = await import('@microsoft/teams-js');
      await withTimeout(app.initialize(), 5000, 'Teams initialisation');
      const context = await app.getContext();
      app.notifySuccess();
      return {
        inTeams: true,
        theme: asTheme(context.app.theme),
        entityId: context.page?.id ?? null,
        getToken: async () => {
          try {
            return await authentication.getAuthToken();
          } catch (err) {
            throw new SignInError(`Teams could not sign you in (${String((err as Error)?.message ?? err)}).`);
          }
        },
        onThemeChange: (handler) => app.registerOnThemeChangeHandler((t) => handler(asTheme(t))),
      };
    } catch {
      // Framed by something that is not Teams: fall through to the browser host.
    }
  }
  const as = params.get('as');
  let token: string | null = null;
  return {
    inTeams: false,
    theme: asTheme(params.get('theme')),
    entityId: null,
    getToken: async () => {
      if (token) return token;
      if (!as) throw new SignInError('Open this page as a tab in Microsoft Teams to sign in.');
      const response = await fetch(`/api/dashboard/dev-token?as=${encodeURIComponent(as)}`);
      const body = (await response.json().catch(() => ({}))) as { token?: string; message?: string };
      if (!response.ok || !body.token)
        throw new SignInError(body.message ?? 'Open this page as a tab in Microsoft Teams to sign in.');
      token = body.token;
      return token;
    },
    onThemeChange: () => undefined,
  };
}
