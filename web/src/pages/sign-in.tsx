import { useState } from 'preact/hooks';
import type { Api, Session } from '../api/client';
import { signIn } from '../session';

/** Sign in with an API token (the admin token `npm start` prints on first start, or one from `hub tokens create`). */
export function SignInPage({ onSignedIn, notice }: { onSignedIn(api: Api, session: Session): void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (token.trim() === '') return setError('Paste an API token first.');
    setBusy(true);
    setError(undefined);
    try {
      const { api, session } = await signIn(token);
      onSignedIn(api, session);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Connector Hub</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          On first start the hub prints an admin token; <code>npx hub tokens create --name you --role marketer</code>{' '}
          makes others. The token stays in this browser tab only.
        </p>
        {error && (
          <p class="state error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
