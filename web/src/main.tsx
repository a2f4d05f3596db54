import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, createApi, unwrap, type Api, type Session } from './api/client';
import { ErrorMessage, Link, Loading, useData } from './components/ui';
import { ConnectionsPage } from './pages/connections';
import { DeadLettersPage } from './pages/dead-letters';
import { FlowPage } from './pages/flow';
import { FlowsPage } from './pages/flows';
import { HomePage } from './pages/home';
import { MappingsPage } from './pages/mappings';
import { RunPage } from './pages/run';
import { SignInPage } from './pages/sign-in';
import { TemplatesPage } from './pages/templates';
import { match, navigate, useLocation } from './router';
import { SessionContext, forgetToken, storedToken, type SignedIn } from './session';
import './styles.css';

/**
 * The mapping workbench is loaded when it is opened (its own chunk: the editor is most of its weight), so the
 * pages marketers use do not carry it.
 */
function LazyWorkbench(props: { mappingId: string; query: URLSearchParams }) {
  const loaded = useData(() => import('./pages/workbench'), 'workbench-module');
  if (loaded.error !== undefined) return <ErrorMessage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="the workbench" />;
  const { WorkbenchPage } = loaded.data;
  return <WorkbenchPage {...props} />;
}

/**
 * The console's pages. Later pages (people, moderation, consent and GDPR) add a line here and, when they belong in
 * the menu, one in NAV; `permission` hides a menu entry from roles that cannot read it.
 */
const PAGES: { path: string; render(params: Record<string, string>, query: URLSearchParams): ComponentChildren }[] = [
  { path: '/', render: () => <HomePage /> },
  { path: '/flows', render: () => <FlowsPage /> },
  { path: '/flows/:flowId', render: (p) => <FlowPage flowId={p.flowId} /> },
  { path: '/runs/:runId', render: (p) => <RunPage runId={p.runId} /> },
  { path: '/dead-letters', render: (_p, q) => <DeadLettersPage query={q} /> },
  { path: '/templates', render: () => <TemplatesPage /> },
  { path: '/connections', render: () => <ConnectionsPage /> },
  { path: '/mappings', render: () => <MappingsPage /> },
  { path: '/mappings/:mappingId', render: (p, q) => <LazyWorkbench mappingId={p.mappingId} query={q} /> },
];

const NAV: { href: string; label: string; permission: string }[] = [
  { href: '/', label: 'What moved', permission: 'flows:read' },
  { href: '/flows', label: 'Flows', permission: 'flows:read' },
  { href: '/dead-letters', label: 'Dead letters', permission: 'deadLetters:read' },
  { href: '/templates', label: 'Templates', permission: 'templates:read' },
  { href: '/connections', label: 'Connections', permission: 'connections:read' },
  { href: '/mappings', label: 'Mappings', permission: 'mappings:read' },
];

function Layout({ signedIn, children }: { signedIn: SignedIn; children: ComponentChildren }) {
  const { path } = useLocation();
  return (
    <>
      <a href="#main" class="skip">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Connector Hub</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => signedIn.can(n.permission)).map((n) => (
              <li key={n.href}>
                <span aria-current={path === n.href ? 'page' : undefined}>
                  <Link href={n.href}>{n.label}</Link>
                </span>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" data-testid="who">
          {signedIn.session.name} ({signedIn.session.role}){' '}
          <button type="button" onClick={signedIn.signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function App() {
  const { path, query } = useLocation();
  const [state, setState] = useState<{ api: Api; session: Session } | 'checking' | 'signed-out'>(
    storedToken() === undefined ? 'signed-out' : 'checking',
  );
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    const token = storedToken();
    if (state !== 'checking' || token === undefined) return;
    const api = createApi(token);
    unwrap(api.GET('/api/v1/me')).then(
      (session) => setState({ api, session }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) forgetToken();
        setNotice(error instanceof Error ? error.message : String(error));
        setState('signed-out');
      },
    );
  }, [state]);

  if (state === 'checking') return <Loading what="your session" />;
  if (state === 'signed-out')
    return <SignInPage notice={notice} onSignedIn={(api, session) => setState({ api, session })} />;
  const permissions = new Set(state.session.permissions);
  const signedIn: SignedIn = {
    ...state,
    can: (permission) => permissions.has(permission),
    signOut: () => {
      forgetToken();
      setNotice(undefined);
      setState('signed-out');
      navigate('/');
    },
  };
  const page = PAGES.map((p) => ({ p, params: match(p.path, path) })).find((m) => m.params !== undefined);
  return (
    <SessionContext.Provider value={signedIn}>
      <Layout signedIn={signedIn}>
        {page ? (
          page.p.render(page.params ?? {}, query)
        ) : (
          <section>
            <h1>Not found</h1>
            <p>
              There is no page at {path}. Go to <Link href="/">what moved</Link>.
            </p>
          </section>
        )}
      </Layout>
    </SessionContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
